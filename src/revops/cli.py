"""The `revops` command-line program: run, check, export, generate, report, docs.

Every failure is one line per problem on standard error (`error: ...`) and an exit code: 2 for bad
input or a bad command line, 1 for a failed build or test and for anything else that stopped the
command (an operating-system error such as a read-only folder or a full disk is one line too), 130
when interrupted (Ctrl-C) and 143 when stopped by SIGTERM. A failed run publishes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

from revops import DEMO_DATA_DIR
from revops.dbt_runner import print_progress
from revops.errors import RevopsError, UsageError, database_error_sentence, os_error_sentence
from revops.interrupts import Stopped, recorded

# What DuckDB says when the operating system refused a file operation.
_MACHINE_REFUSED = re.compile(
    r"Could not (write|read|open|create|truncate|sync|fsync|remove|move|rename)|No space left|Permission denied"
    r"|Read-only file system|File too large|Disk quota"
)

# Project variables with an option of their own.
OWN_OPTIONS = {"data_dir": "--data-dir", "as_of_month": "--as-of", "billing_source": "--billing-source"}


class _Parser(argparse.ArgumentParser):
    """argparse, with a command-line mistake reported on one line like every other failure."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _month(text: str) -> date:
    try:
        year, month = text.split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-10") from None


def _as_of(text: str) -> date:
    if not re.fullmatch(r"(199\d|20\d\d)-(0[1-9]|1[0-2])(-01)?", text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-10 in the years 1990 to 2099")
    return _month(text.strip())


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="revops",
        description="Validate billing and CRM exports, build the revenue-retention warehouse, publish and export it.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="validate, build, test and publish")
    run.add_argument(
        "--data-dir", type=Path, default=None, help=f"the input directory (default: the demo data, {DEMO_DATA_DIR})"
    )
    run.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file")
    run.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        metavar="YYYY-MM",
        help="the reporting month (default: the newest month with a usage invoice); later months are ignored",
    )
    _add_engine_arguments(run)
    run.add_argument(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="how much memory DuckDB may use, e.g. 6GB or 40%% (default: a quarter of the machine's, at least 2 GiB); "
        "the rest spills to disk (with --engine spark it bounds the validator and publishing; "
        "REVOPS_SPARK_DRIVER_MEMORY bounds Spark)",
    )
    run.add_argument(
        "--billing-source",
        choices=["billing", "stripe"],
        default="billing",
        help="the billing export in --data-dir: the project's own files or Stripe's tables as Fivetran lands them",
    )
    run.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a project variable of dbt_project.yml (repeatable; the value is read as YAML: 12, true, [3, 6])",
    )

    check = commands.add_parser("check", help="validate and profile the input without building")
    check.add_argument(
        "--data-dir", type=Path, default=None, help=f"the input directory (default: the demo data, {DEMO_DATA_DIR})"
    )
    check.add_argument(
        "--as-of", type=_as_of, default=None, metavar="YYYY-MM", help="check as `revops run --as-of` would"
    )

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
    generate.add_argument(
        "--billing-format",
        choices=["billing", "stripe"],
        default="billing",
        help="the billing data as the project's own files or as Stripe's tables (Fivetran)",
    )

    report = commands.add_parser("report", help="write a self-contained HTML report of the published tables")
    report.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file")
    report.add_argument("--out", type=Path, default=Path("report.html"), help="the HTML file to write")

    docs = commands.add_parser("docs", help="write the dbt docs site as one static HTML file")
    docs.add_argument("--db", type=Path, default=Path("revops.duckdb"), help="the published DuckDB file (the catalog)")
    docs.add_argument("--out", type=Path, default=Path("docs/site/index.html"), help="the HTML file to write")
    return parser


def _add_engine_arguments(run: argparse.ArgumentParser) -> None:
    """`revops run`'s choice of where dbt builds: DuckDB or Apache Spark (README, "Running on Apache Spark")."""
    run.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="where dbt builds and tests: DuckDB (default) or Apache Spark; both publish the same DuckDB file",
    )
    run.add_argument(
        "--spark-master",
        default=None,
        metavar="URL",
        help="with --engine spark: the Spark master (default: REVOPS_SPARK_MASTER, else local[*]; e.g. spark://HOST:7077)",
    )


def _variables(pairs: list[str]) -> dict[str, object]:
    """`--var NAME=VALUE` pairs as dbt vars: declared names only, values read as YAML."""
    import yaml

    from revops.dbt_runner import project_vars

    known = sorted(set(project_vars()) - set(OWN_OPTIONS))
    found: dict[str, object] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            raise UsageError(f"--var {pair!r} is not NAME=VALUE.")
        if name in OWN_OPTIONS:
            raise UsageError(f"--var {name}: use {OWN_OPTIONS[name]} instead.")
        if name not in known:
            raise UsageError(f"--var {name} is not a variable of the project; the variables are {', '.join(known)}.")
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            raise UsageError(
                f"--var {name}: {text!r} is not a YAML value (a number, true/false, text or [a, b])."
            ) from None
        if isinstance(value, dict):
            raise UsageError(f"--var {name}: give a single value or a list, not a mapping.")
        found[name] = value
    return found


def _warn(sentence: str) -> None:
    print(f"warning: {sentence}", file=sys.stderr, flush=True)


def _run(arguments: argparse.Namespace) -> None:
    from revops.pipeline import RunOptions, run

    options = RunOptions(
        as_of=arguments.as_of,
        variables=_variables(arguments.var),
        memory_limit=arguments.memory_limit,
        billing_source=arguments.billing_source,
    )
    if arguments.spark_master and arguments.engine != "spark":
        raise UsageError("--spark-master needs --engine spark.")
    report = run(
        arguments.data_dir,
        arguments.db,
        progress=print_progress,
        options=options,
        warn=_warn,
        engine=arguments.engine,
        spark_master=arguments.spark_master,
    )
    print(f"Published {arguments.db}:")
    for table, rows in sorted(report.published_rows.items()):
        print(f"  marts.{table}: {rows:,} rows")
    print("Timings: " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.seconds.items()))


def _check(arguments: argparse.Namespace) -> None:
    from datetime import UTC, datetime

    from revops.validate import Plausibility
    from revops.validate.profile import check

    data_dir = Path(arguments.data_dir or DEMO_DATA_DIR)
    plausibility = Plausibility(today=datetime.now(UTC).date(), as_of=arguments.as_of)
    found = check(data_dir, print_progress, plausibility=plausibility, warn=_warn)
    for sentence in found.warnings:
        _warn(sentence)
    print(f"The input in {data_dir} is valid ({sum(found.rows.values()):,} rows); nothing was built.")
    for line in found.lines():
        print(line)


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
        billing_format=arguments.billing_format,
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
    handlers = {
        "run": _run,
        "check": _check,
        "export": _export,
        "generate": _generate,
        "report": _report,
        "docs": _docs,
    }
    command = arguments.command
    outcome = "; nothing was published." if command == "run" else "."
    try:
        with recorded():
            handlers[command](arguments)
    except RevopsError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"revops {command} failed{outcome}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as interrupt:
        print(f"revops {command} was {_stopped_how(interrupt)}{outcome}", file=sys.stderr)
        return getattr(interrupt, "exit_code", 130)
    except Exception as error:
        sentence = _environment_error(error)
        if sentence is None:
            raise  # a bug: its trace is worth seeing
        print(f"error: {sentence}", file=sys.stderr)
        print(f"revops {command} failed{outcome}", file=sys.stderr)
        return 1
    return 0


def _stopped_how(interrupt: KeyboardInterrupt) -> str:
    return "stopped (SIGTERM)" if isinstance(interrupt, Stopped) else "interrupted"


def _environment_error(error: Exception) -> str | None:
    """One sentence for what the machine refused (a read-only folder, a full disk, a file where a folder
    is needed), from the operating system or DuckDB; None for anything else."""
    if isinstance(error, OSError):
        return os_error_sentence(error)
    import duckdb

    # A failed write can also surface as a failed commit (TransactionException): its words tell.
    if isinstance(error, duckdb.IOException | duckdb.PermissionException) or (
        isinstance(error, duckdb.Error) and _MACHINE_REFUSED.search(str(error))
    ):
        return database_error_sentence(error)
    return None


if __name__ == "__main__":
    sys.exit(main())
