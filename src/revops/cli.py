"""The `revops` command-line program: run, export, generate."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from revops import DEMO_DATA_DIR
from revops.dbt_runner import print_progress
from revops.errors import RevopsError


def _month(text: str) -> date:
    try:
        year, month = text.split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-10") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="revops",
        description="Validate billing and CRM exports, build the revenue-retention warehouse, publish and export it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="validate, build, test and publish")
    run.add_argument(
        "--data-dir", type=Path, default=None, help=f"the input directory (default: the demo data, {DEMO_DATA_DIR})"
    )
    run.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file")

    export = commands.add_parser("export", help="write every published table to files")
    export.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file")
    export.add_argument("--out", type=Path, required=True, help="the output directory")
    export.add_argument("--format", choices=["parquet", "csv", "all"], default="parquet")

    generate = commands.add_parser("generate", help="write a synthetic input directory")
    generate.add_argument("--out", type=Path, required=True, help="the output directory")
    generate.add_argument("--customers", type=int, default=400)
    generate.add_argument("--months", type=int, default=30)
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument("--end-month", type=_month, default=date(2026, 10, 1), help="the last month, e.g. 2026-10")
    generate.add_argument("--format", choices=["csv", "parquet"], default="csv")

    report = commands.add_parser("report", help="write a self-contained HTML report of the published tables")
    report.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="the HTML file to write")

    docs = commands.add_parser("docs", help="write the dbt docs site as one static HTML file")
    docs.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file (the catalog)")
    docs.add_argument("--out", type=Path, default=Path("docs/site/index.html"), help="the HTML file to write")
    return parser


def _run(arguments: argparse.Namespace) -> None:
    from revops.pipeline import run

    report = run(arguments.data_dir, arguments.db, progress=print_progress)
    print(f"Published {arguments.db}:")
    for table, rows in sorted(report.published_rows.items()):
        print(f"  marts.{table}: {rows:,} rows")
    print("Timings: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items()))


def _export(arguments: argparse.Namespace) -> None:
    from revops.export import FORMATS, export

    formats = FORMATS if arguments.format == "all" else (arguments.format,)
    manifest = export(arguments.db, arguments.out, formats)
    print(f"Exported {len(manifest['tables'])} tables to {arguments.out} ({', '.join(formats)}), with manifest.json")


def _generate(arguments: argparse.Namespace) -> None:
    from revops.generate import generate

    if arguments.customers < 1 or arguments.months < 1:
        raise RevopsError("--customers and --months must be at least 1.")
    rows = generate(
        arguments.out,
        customers=arguments.customers,
        months=arguments.months,
        seed=arguments.seed,
        end_month=arguments.end_month,
        file_format=arguments.format,
        progress=print_progress,
    )
    print(f"Wrote {sum(rows.values()):,} rows in {len(rows)} files to {arguments.out}")


def _report(arguments: argparse.Namespace) -> None:
    from revops.report import build_report

    summary = build_report(arguments.db, arguments.out)
    charts = ", ".join(f"{name} {marks}" for name, marks in summary.charts.items())
    print(f"Wrote {arguments.out} (charts and their data points: {charts}); open it in a browser.")


def _docs(arguments: argparse.Namespace) -> None:
    from revops.docs_site import build_docs_site

    build_docs_site(arguments.db, arguments.out, progress=print_progress)
    print(f"Wrote the docs site to {arguments.out}; open it in a browser.")


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    handlers = {"run": _run, "export": _export, "generate": _generate, "report": _report, "docs": _docs}
    try:
        handlers[arguments.command](arguments)
    except RevopsError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(
            f"revops {arguments.command} failed; nothing was published."
            if arguments.command == "run"
            else f"revops {arguments.command} failed.",
            file=sys.stderr,
        )
        return error.exit_code
    except KeyboardInterrupt:
        print(f"revops {arguments.command} was interrupted; nothing was published.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
