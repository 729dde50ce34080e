"""Prototype (issue 12): build one input directory on DuckDB and on Spark, compare the marts, time both.

    .venv/bin/python scripts/spark_equivalence.py --data-dir data/demo --work /tmp/eq [--master URL]
        [--command build|run] [--threads N] [--skip-duckdb]

Each engine runs in a child process of its own (dbt through dbtRunner, as `revops run` does), so
the wall time includes start-up (dbt's parse, and for Spark the JVM and the Derby metastore) and
the peak memory is that of the child's whole process tree (Python, and for Spark the JVM), sampled
every 0.2 s from /proc. The Spark child then exports the marts as Parquet with
`dbt run-operation export_published_tables` in the same process (the Spark session is reused) and
the parent imports them into a DuckDB file (`revops.spark_bridge`) and compares it with the DuckDB
build: every row and column, doubles within 1e-9. Exit code 0 only when they are equal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from revops import PROJECT_DIR
from revops.spark_bridge import compare_schemas, contract_types, import_parquet_tables
from revops.spark_cluster import standalone_cluster


def _pss_kib(pid: int) -> int:
    """Proportional set size: a process forked by the JVM (Hadoop shells out for file permissions)
    shares the JVM's pages until it execs, and its RSS would count them twice."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kib(root: int, cpu: dict[int, float] | None = None) -> tuple[int, dict[str, int]]:
    """Resident memory of a process and all its descendants, in KiB (from /proc), and per command.

    `cpu`, when given, is updated with each descendant's CPU seconds so far (user + system).
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    names: dict[int, str] = {}
    seconds: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as handle:
                # A thread can show up as an entry of its own; count each process once.
                if f"Tgid:\t{entry}\n" not in handle.read():
                    continue
            with open(f"/proc/{entry}/stat") as handle:
                text = handle.read()
            names[int(entry)] = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = _pss_kib(int(entry))
            seconds[int(entry)] = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    total, stack, parts = 0, [root], {}
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        parts[f"{names.get(pid, '?')}[{pid}]"] = rss.get(pid, 0)
        if cpu is not None and pid in seconds:
            cpu[pid] = max(cpu.get(pid, 0.0), seconds[pid])
        stack.extend(children.get(pid, []))
    return total, parts


def _run_measured(
    command: list[str], env: dict[str, str], log_path: Path, *, whole_tree: bool = False
) -> tuple[float, float, int, int]:
    """Run a child; return (seconds, CPU seconds of its tree, peak tree PSS in KiB, exit code).

    `whole_tree` measures this process's tree instead of the child's: with a standalone cluster,
    the master, the workers and their executors are our children too.
    """
    started = time.perf_counter()
    with log_path.open("w") as log:
        child = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_DIR)
        peak = 0
        cpu: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                total, parts = _tree_rss_kib(os.getpid() if whole_tree else child.pid, cpu)
                if total > peak:
                    peak = total
                    print(f"peak so far {total // 1024} MiB: {parts}", file=log, flush=True)
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = child.wait()
        done.set()
        sampler.join()
    # The child's own CPU time once it has exited (the last sample may be up to 0.2 s old).
    return time.perf_counter() - started, sum(cpu.values()), peak, code


def _child(engine: str, command: str, data_dir: str, work: str, threads: int | None) -> int:
    """Runs inside the child process: one dbt command, and for Spark the Parquet export."""
    from dbt.cli.main import dbtRunner

    work_dir = Path(work)
    os.environ["REVOPS_DATA_DIR"] = str(Path(data_dir).resolve())
    common = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR / "profiles")]
    common += ["--target-path", str(work_dir / f"target-{engine}"), "--log-path", str(work_dir / f"logs-{engine}")]
    if threads:
        common += ["--threads", str(threads)]
    if engine == "spark":
        common += ["--target", "spark"]
    else:
        os.environ["REVOPS_DB_PATH"] = str(work_dir / "duckdb.duckdb")
    runner = dbtRunner()
    timings = {}
    started = time.perf_counter()
    selection = (
        ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"] if command == "models" else []
    )
    result = runner.invoke(["build", *selection, *common])
    timings[command] = time.perf_counter() - started
    nodes = getattr(result.result, "results", None) or []
    by_kind: dict[str, float] = {}
    for node in nodes:
        kind = str(node.node.resource_type)
        by_kind[kind] = by_kind.get(kind, 0.0) + node.execution_time
    print(json.dumps({"nodes": len(nodes), "success": result.success, "node_seconds": by_kind}), flush=True)
    if not result.success:
        return 1
    if engine == "spark":
        started = time.perf_counter()
        export = runner.invoke(
            [
                "run-operation",
                "export_published_tables",
                "--args",
                json.dumps({"directory": str(work_dir / "export")}),
                *common,
            ]
        )
        timings["export"] = time.perf_counter() - started
        if not export.success:
            return 1
    print(json.dumps({"timings": timings}), flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(PROJECT_DIR / "data" / "demo"))
    parser.add_argument("--work", required=True)
    parser.add_argument("--master", default=None, help="Spark master URL (default: the profile's local[*])")
    parser.add_argument(
        "--command", default="build", choices=["build", "models"], help="models: seeds and models, no tests"
    )
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument(
        "--standalone",
        type=int,
        default=0,
        metavar="WORKERS",
        help="run Spark on a standalone cluster of this many workers",
    )
    parser.add_argument("--skip-duckdb", action="store_true", help="reuse WORK/duckdb.duckdb from an earlier run")
    parser.add_argument("--child", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args.child, args.command, args.data_dir, args.work, args.threads)

    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DO_NOT_TRACK="1", REVOPS_SPARK_DIR=str(work / "spark"))
    if args.master:
        env["REVOPS_SPARK_MASTER"] = args.master
    for leftover in ("spark", "export", "spark.duckdb", "cluster"):
        path = work / leftover
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    engines = ["spark"] if args.skip_duckdb else ["duckdb", "spark"]
    for engine in engines:
        if engine == "duckdb":
            (work / "duckdb.duckdb").unlink(missing_ok=True)
        command = [sys.executable, __file__, "--child", engine, "--command", args.command]
        command += ["--data-dir", args.data_dir, "--work", str(work)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        with contextlib.ExitStack() as stack:
            if engine == "spark" and args.standalone:
                started = time.perf_counter()
                env["REVOPS_SPARK_MASTER"] = stack.enter_context(
                    standalone_cluster(work / "cluster", workers=args.standalone)
                )
                print(f"standalone cluster {env['REVOPS_SPARK_MASTER']} up in {time.perf_counter() - started:.1f} s")
            seconds, cpu_seconds, peak_kib, code = _run_measured(
                command, env, work / f"{engine}.log", whole_tree=engine == "spark" and bool(args.standalone)
            )
        print(
            f"{engine}: dbt {args.command} {seconds:.1f} s wall, {cpu_seconds:.1f} CPU s, "
            f"peak {peak_kib // 1024} MiB, exit {code}",
            flush=True,
        )
        if code != 0:
            print(f"see {work / f'{engine}.log'}", file=sys.stderr)
            return 1
    if args.command != "build":
        return 0
    started = time.perf_counter()
    manifest = json.loads((work / "target-spark" / "manifest.json").read_text())
    rows = import_parquet_tables(work / "export", work / "spark.duckdb", contract_types(manifest))
    print(f"imported {sum(rows.values()):,} rows in {len(rows)} tables in {time.perf_counter() - started:.1f} s")
    differences = compare_schemas(work / "spark.duckdb", work / "duckdb.duckdb")
    for difference in differences:
        print(f"DIFFERENCE {difference}")
    print(f"{len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
