"""Benchmark the whole job, from generating the input to exporting the published tables.

    .venv/bin/python scripts/benchmark.py [--engine duckdb|spark] [--sizes 1000,10000,100000] [--months 36]
        [--keep DIR]

For every size (number of customers), in a Python process of its own, it generates a synthetic
company (`revops.generate`), runs the main job on it exactly as `revops run` does
(`revops.pipeline.run`: validate, one `dbt build`, publish; dbt starts from the project's parsed
project, as every run after a project's first does: it is parsed once before the first size, and
the time of a full parse is printed), exports the published tables to Parquet
(`revops.export`) and prints, per phase, the wall time, the throughput on the main fact tables
(invoice line items, invoices, mrr_monthly rows per second) and the peak resident memory of the
process (dbt and DuckDB run in it), the kernel's high-water mark reset as each phase starts.

The dbt build is split by node kind from dbt's own per-node timings (the on-run-start hook,
models, unit tests, data tests). dbt runs two nodes at a time, so these are node-seconds: their
sum exceeds the build's wall time, and a node's time includes sharing the CPUs with its neighbour.

It also times one hand-written DuckDB query computing rolling 12-month NDR straight from the
published `marts.mrr_monthly` (best of three), checks that it gives the same NDR as
`marts.retention_rolling_monthly`, and compares it with the dbt models that compute rolling
retention from the same adjusted MRR (every model upstream of retention_rolling_monthly that is not
upstream of mrr_monthly; ephemeral ones run inside it): their node time in the build, where they
share the CPUs with other nodes, and alone (`dbt run` of just them on the kept build file, best of
three). The models do more (lookbacks 3, 6 and 12, GDR, counts), so a second hand-written query
doing that same work is timed too.

With `--engine spark` the job is `revops run --engine spark` (dbt on Apache Spark, local[*] unless
REVOPS_SPARK_MASTER says otherwise, then the published tables read back into the DuckDB file): its
phases add "spark export" (Spark writes the published tables as Parquet, read into the build file),
and memory and CPU are those of the whole process tree (Python and Spark's JVM), sampled from /proc
every 0.2 s as proportional set size (a process the JVM forks shares its pages until it execs). The
rolling-NDR models are not timed alone on Spark (that comparison is about DuckDB's models).

The floor is what merely reading the input costs: the same generated files loaded into DuckDB
tables (`create table as select * from read_csv(...)`, one per file) in a fresh database, timed in
the same child process right before the run; the run's time is printed as a multiple of it. The
run's DuckDB memory limit (`--memory-limit`, as `revops run` takes it) is printed beside the peak.

Markdown tables at the end can be pasted into the README. Everything is written in a temporary
directory, removed at the end unless --keep names a directory to write into and keep.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import yaml

# revops turns dbt's and great-expectations' usage reporting off before they load
from revops import PROJECT_DIR
from revops.dbt_runner import invoke
from revops.export import export
from revops.generate import generate
from revops.memory import duckdb_setting, memory_limit_bytes
from revops.pipeline import RunOptions, run

PHASES = ("generate", "validate", "dbt build", "spark export", "publish", "export")
# The progress line revops.pipeline.run prints as it enters each phase.
PHASE_STARTS = {
    "Validating the input files": "validate",
    "Building on Apache Spark": "dbt build",
    "Building and testing": "dbt build",
    "Writing the published tables from Spark": "spark export",
    "Publishing to": "publish",
}
NODE_KINDS = {
    "operation": "load hook",
    "seed": "seeds",
    "model": "models",
    "unit_test": "unit tests",
    "test": "data tests",
}
ROLLING_NDR_LOOKBACK = 12
SEED = 7
END_MONTH = date(2026, 10, 1)

HAND_WRITTEN_NDR = """
with

customer_months as (
    select organization_id, month, adjusted_mrr_usd
    from marts.mrr_monthly
),

base_customer_months as (
    select organization_id, month as base_month, adjusted_mrr_usd as base_mrr_usd
    from customer_months
    where adjusted_mrr_usd > 0 and adjusted_mrr_usd * 12 >= {min_base_arr_usd}
),

compared as (
    select
        cast(base_customer_months.base_month + interval {lookback} month as date) as month,
        base_customer_months.base_mrr_usd,
        coalesce(customer_months.adjusted_mrr_usd, 0) as current_mrr_usd
    from base_customer_months
    left join customer_months
        on customer_months.organization_id = base_customer_months.organization_id
        and customer_months.month = base_customer_months.base_month + interval {lookback} month
    where base_customer_months.base_month + interval {lookback} month <= (select max(month) from customer_months)
)

select month, sum(current_mrr_usd) / sum(base_mrr_usd) as ndr
from compared
group by month
order by month
"""

# The same work as the dbt models: every lookback, NDR and GDR, base and churned counts.
HAND_WRITTEN_ROLLING_RETENTION = """
with

customer_months as (
    select organization_id, month, adjusted_mrr_usd
    from marts.mrr_monthly
),

lookbacks as (
    select unnest({lookbacks}) as lookback_months
),

base_customer_months as (
    select
        customer_months.organization_id,
        lookbacks.lookback_months,
        cast(customer_months.month + to_months(lookbacks.lookback_months) as date) as month,
        customer_months.adjusted_mrr_usd as base_mrr_usd
    from customer_months
    cross join lookbacks
    where customer_months.adjusted_mrr_usd > 0 and customer_months.adjusted_mrr_usd * 12 >= {min_base_arr_usd}
),

compared as (
    select
        base_customer_months.month,
        base_customer_months.lookback_months,
        base_customer_months.base_mrr_usd,
        coalesce(customer_months.adjusted_mrr_usd, 0) as current_mrr_usd
    from base_customer_months
    left join customer_months
        on customer_months.organization_id = base_customer_months.organization_id
        and customer_months.month = base_customer_months.month
    where base_customer_months.month <= (select max(month) from customer_months)
)

select
    month,
    lookback_months,
    count(*) as base_customers,
    count(*) filter (where current_mrr_usd = 0) as churned_base_customers,
    sum(current_mrr_usd) / sum(base_mrr_usd) as ndr,
    sum(least(current_mrr_usd, base_mrr_usd)) / sum(base_mrr_usd) as gdr
from compared
group by month, lookback_months
order by month, lookback_months
"""


# ---------------------------------------------------------------------------------------------
# Memory: the peak resident set of this process (dbt and DuckDB run in it) per phase


def _status_kib(field_name: str) -> int:
    found = re.search(rf"^{field_name}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


class PeakMemory:
    """Per-phase peak RSS: the kernel's high-water mark (VmHWM), reset at each phase's start."""

    def __init__(self) -> None:
        self.can_reset = True

    def cpu_seconds(self) -> float:
        return _cpu_seconds()

    def reset(self) -> None:
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
        except OSError:
            self.can_reset = False  # then every phase reports the peak so far

    def peak_mib(self) -> float:
        own = _status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return max(own, children) / 1024


class TreeMemory:
    """Per-phase peak memory and CPU time of this process and all its descendants (Spark's JVM is a
    live child, which neither VmHWM nor RUSAGE_CHILDREN see): /proc sampled every 0.2 s."""

    def __init__(self) -> None:
        self._peak_kib = 0
        self._cpu: dict[int, float] = {}  # pid -> CPU seconds, the highest seen
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample_forever, daemon=True)
        self._sampler.start()

    def reset(self) -> None:
        with self._lock:
            self._peak_kib = self._sample()

    def peak_mib(self) -> float:
        with self._lock:
            return max(self._peak_kib, self._sample()) / 1024

    def cpu_seconds(self) -> float:
        with self._lock:
            self._sample()
            return sum(self._cpu.values())

    def _sample_forever(self) -> None:
        while not self._done.wait(0.2):
            with self._lock:
                self._peak_kib = max(self._peak_kib, self._sample())

    def _sample(self) -> int:
        """The tree's proportional set size in KiB; updates the CPU seconds seen per process."""
        children: dict[int, list[int]] = {}
        stats: dict[int, list[str]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    text = Path(f"/proc/{entry}/stat").read_text()
                    fields = text.rsplit(")", 1)[1].split()
                    stats[int(entry)] = fields
                    children.setdefault(int(fields[1]), []).append(int(entry))
        total, todo, tick = 0, [os.getpid()], os.sysconf("SC_CLK_TCK")
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            if pid in stats:
                seconds = sum(int(value) for value in stats[pid][11:15]) / tick  # own and waited-for children
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), seconds)
            with contextlib.suppress(OSError, ValueError):
                found = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.MULTILINE)
                total += int(found.group(1)) if found else 0
        return total


# ---------------------------------------------------------------------------------------------
# One size


@dataclass
class SizeResult:
    customers: int
    engine: str = "duckdb"
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # user + system, all threads
    peak_mib: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # invoice_line_items, invoices, mrr_monthly
    dbt_node_seconds: dict[str, float] = field(default_factory=dict)
    dbt_slowest: list[tuple[str, float]] = field(default_factory=list)
    ndr_dbt_seconds: float = 0.0  # in the build, sharing the CPUs with other nodes
    ndr_dbt_alone_seconds: float = 0.0  # the same models run alone (best of three)
    ndr_dbt_nodes: list[str] = field(default_factory=list)
    ndr_query_seconds: float = 0.0  # the hand-written 12-month NDR query, best of three
    all_lookbacks_query_seconds: float = 0.0  # the same by hand for every lookback, with GDR
    ndr_matches: bool = False
    raw_load_seconds: float = 0.0  # the floor: the input loaded into DuckDB tables, nothing else
    memory_limit_mib: float = 0.0  # the run's DuckDB memory limit

    @property
    def run_seconds(self) -> float:
        return sum(self.seconds.get(phase, 0.0) for phase in ("validate", "dbt build", "spark export", "publish"))

    @property
    def phases(self) -> list[str]:
        return [phase for phase in PHASES if phase in self.seconds]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _cpu_seconds() -> float:
    """CPU time of this process and its children: steadier than wall time on a shared machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class PhaseClock:
    """Turns the pipeline's progress lines into phase boundaries: wall time and peak memory per phase."""

    def __init__(self, result: SizeResult, memory: PeakMemory | TreeMemory, verbose: bool) -> None:
        self.result, self.memory, self.verbose = result, memory, verbose
        self.phase: str | None = None
        self.started = self.cpu_started = 0.0

    def start(self, phase: str) -> None:
        self.stop()
        self.memory.reset()
        self.phase, self.started, self.cpu_started = phase, time.perf_counter(), self.memory.cpu_seconds()

    def stop(self) -> None:
        if self.phase is not None:
            self.result.seconds[self.phase] = time.perf_counter() - self.started
            self.result.cpu_seconds[self.phase] = self.memory.cpu_seconds() - self.cpu_started
            self.result.peak_mib[self.phase] = self.memory.peak_mib()
            self.phase = None

    def progress(self, message: str) -> None:
        for prefix, phase in PHASE_STARTS.items():
            if message.startswith(prefix):
                self.start(phase)
        if self.verbose:
            print(f"    [{self.phase or '-'}] {message}", file=sys.stderr, flush=True)


def _ndr_models(manifest_path: Path) -> list[str]:
    """The models that turn adjusted MRR into rolling retention: upstream of retention_rolling_monthly
    (itself included) and not upstream of mrr_monthly."""
    manifest = json.loads(manifest_path.read_text())
    parents = manifest["parent_map"]

    def upstream(node: str) -> set[str]:
        seen, todo = set(), [node]
        while todo:
            for parent in parents.get(todo.pop(), []):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    ndr = upstream("model.revops.retention_rolling_monthly") | {"model.revops.retention_rolling_monthly"}
    mrr = upstream("model.revops.mrr_monthly") | {"model.revops.mrr_monthly"}
    return sorted(node for node in ndr - mrr if node.startswith("model."))


def _best_of_three(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple[float, list]:
    timings, rows = [], []
    for _ in range(3):
        started = time.perf_counter()
        rows = connection.execute(sql).fetchall()
        timings.append(time.perf_counter() - started)
    return min(timings), rows


def _time_hand_written_ndr(db_path: Path, result: SizeResult) -> None:
    variables = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    floor = variables["retention_min_base_arr_usd"]
    with duckdb.connect(str(db_path), read_only=True) as connection:
        # The lookbacks are fixed in the project (macro retention_lookback_months); the mart holds them.
        lookbacks = [
            row[0]
            for row in connection.execute(
                "select distinct lookback_months from marts.retention_rolling_monthly order by 1"
            ).fetchall()
        ]
        result.ndr_query_seconds, rows = _best_of_three(
            connection, HAND_WRITTEN_NDR.format(min_base_arr_usd=floor, lookback=ROLLING_NDR_LOOKBACK)
        )
        result.all_lookbacks_query_seconds, _ = _best_of_three(
            connection,
            HAND_WRITTEN_ROLLING_RETENTION.format(min_base_arr_usd=floor, lookbacks=lookbacks),
        )
        published = dict(
            connection.execute(
                "select month, ndr from marts.retention_rolling_monthly where lookback_months = ?",
                [ROLLING_NDR_LOOKBACK],
            ).fetchall()
        )
    hand = dict(rows)
    result.ndr_matches = (
        bool(hand)
        and all(month in published and abs(published[month] - ndr) <= 1e-9 * abs(ndr) for month, ndr in hand.items())
        and all(ndr is None for month, ndr in published.items() if month not in hand)
    )


def _time_raw_load(data_dir: Path, db_path: Path, memory_limit: str) -> float:
    """Seconds to load every input file into a table of a fresh DuckDB file: the floor a run can
    not go under (it has to read its input at least once)."""
    readers = {".csv": "read_csv", ".parquet": "read_parquet"}
    started = time.perf_counter()
    with duckdb.connect(str(db_path), config={"memory_limit": memory_limit}) as connection:
        for path in sorted(data_dir.iterdir()):
            if path.suffix in readers:
                connection.execute(f"create table {path.stem} as select * from {readers[path.suffix]}('{path}')")
    seconds = time.perf_counter() - started
    db_path.unlink()
    return seconds


def bench_size(
    customers: int, months: int, work: Path, verbose: bool, memory_limit: str | None = None, engine: str = "duckdb"
) -> SizeResult:
    result = SizeResult(customers=customers, engine=engine)
    memory = TreeMemory() if engine == "spark" else PeakMemory()
    clock = PhaseClock(result, memory, verbose)
    data_dir, db_path, target = work / "data", work / "revops.duckdb", work / "target"
    say = clock.progress if verbose else (lambda _message: None)

    clock.start("generate")
    generated = generate(data_dir, customers=customers, months=months, seed=SEED, end_month=END_MONTH, progress=say)
    clock.stop()
    result.rows["invoice_line_items"] = generated["invoice_line_items"]
    result.rows["invoices"] = generated["invoices"]

    limit = memory_limit_bytes(memory_limit)
    result.memory_limit_mib = limit / 1024**2
    result.raw_load_seconds = _time_raw_load(data_dir, work / "floor.duckdb", f"{limit // 1024**2}MiB")

    kept_build = work / "build.duckdb"
    options = RunOptions(memory_limit=memory_limit)
    report = run(
        data_dir,
        db_path,
        progress=clock.progress,
        keep_build=kept_build,
        options=options,
        engine=engine,
    )
    clock.stop()
    result.rows["mrr_monthly"] = report.published_rows["mrr_monthly"]

    clock.start("export")
    export(db_path, work / "exports", ("parquet",))
    clock.stop()

    for node, seconds in report.dbt_timings.items():
        kind = NODE_KINDS.get(node.split(".")[0])
        if kind:
            result.dbt_node_seconds[kind] = result.dbt_node_seconds.get(kind, 0.0) + seconds
    result.dbt_slowest = sorted(report.dbt_timings.items(), key=lambda item: -item[1])[:12]
    # Ephemeral models run inside the model that selects from them: only the others have timings.
    result.ndr_dbt_nodes = [
        node for node in _ndr_models(PROJECT_DIR / "target" / "manifest.json") if node in report.dbt_timings
    ]
    result.ndr_dbt_seconds = sum(report.dbt_timings[node] for node in result.ndr_dbt_nodes)
    if engine == "duckdb":
        result.ndr_dbt_alone_seconds = _time_ndr_models_alone(result.ndr_dbt_nodes, data_dir, kept_build, target)
    _time_hand_written_ndr(db_path, result)
    return result


def _time_ndr_models_alone(nodes: list[str], data_dir: Path, build_db: Path, target: Path) -> float:
    """The rolling-retention models' node time when dbt runs nothing else: `dbt run` of them alone on
    the kept build file, three times, the best. In the build they share the CPUs with other nodes."""
    names = [node.split(".")[-1] for node in nodes]
    timings = []
    for _ in range(3):
        outcome = invoke(["run", "--select", *names], data_dir=data_dir, db_path=build_db, target_path=target)
        timings.append(sum(outcome.timings.get(node, 0.0) for node in nodes))
    return min(timings)


# ---------------------------------------------------------------------------------------------
# Printing


def _rate(rows: int, seconds: float) -> str:
    if seconds <= 0:
        return "-"
    rate = rows / seconds
    return f"{rate / 1e6:.2f}M" if rate >= 1e6 else f"{rate / 1e3:.0f}k"


def _mib(value: float) -> str:
    return f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB"


def print_size(result: SizeResult, months: int) -> None:
    rows = result.rows
    print(
        f"\n== {result.engine}: {result.customers:,} customers x {months} months: "
        f"{rows['invoice_line_items']:,} invoice line items, "
        f"{rows['invoices']:,} invoices, {rows['mrr_monthly']:,} mrr_monthly rows"
    )
    for phase in result.phases:
        seconds = result.seconds[phase]
        print(
            f"  {phase:12} {seconds:7.1f} s (CPU {result.cpu_seconds[phase]:6.1f} s)   line items/s {_rate(rows['invoice_line_items'], seconds):>7}   "
            f"invoices/s {_rate(rows['invoices'], seconds):>7}   mrr rows/s {_rate(rows['mrr_monthly'], seconds):>7}   "
            f"peak {_mib(result.peak_mib[phase]):>8}"
        )
    split = ", ".join(f"{kind} {seconds:.1f}" for kind, seconds in result.dbt_node_seconds.items())
    print(f"  dbt build node-seconds: {split}")
    print(
        "  slowest dbt nodes: "
        + ", ".join(f"{node.split('.')[-1]} {seconds:.1f} s" for node, seconds in result.dbt_slowest)
    )
    print(
        f"  rolling NDR ({', '.join(node.split('.')[-1] for node in result.ndr_dbt_nodes)}): dbt node time "
        f"{result.ndr_dbt_seconds:.2f} s in the build, {result.ndr_dbt_alone_seconds:.2f} s alone; hand-written "
        f"12-month NDR query {result.ndr_query_seconds:.2f} s (same NDR: {'yes' if result.ndr_matches else 'NO'}): "
        f"ratio {_ratio(result.ndr_dbt_seconds, result.ndr_query_seconds)} in the build, "
        f"{_ratio(result.ndr_dbt_alone_seconds, result.ndr_query_seconds)} alone; hand-written for every lookback "
        f"with GDR (the models' work) {result.all_lookbacks_query_seconds:.2f} s: ratio "
        f"{_ratio(result.ndr_dbt_alone_seconds, result.all_lookbacks_query_seconds)} alone"
    )
    print(
        f"  revops run (validate + build + publish) {result.run_seconds:.1f} s = "
        f"{_ratio(result.run_seconds, result.raw_load_seconds)} the floor (loading the input into DuckDB tables: "
        f"{result.raw_load_seconds:.1f} s); end to end {result.total_seconds:.1f} s; "
        f"peak {_mib(max(result.peak_mib.values()))} with DuckDB's memory limit at {_mib(result.memory_limit_mib)}"
        + (" (DuckDB validates and publishes; Spark builds)" if result.engine == "spark" else ""),
        flush=True,
    )


def print_tables(results: list[SizeResult], months: int) -> None:
    print(
        f"\n### {months} months of history; wall and CPU seconds, throughput in rows per second, peak memory "
        "(DuckDB: the process's peak RSS; Spark: the process tree's peak PSS, Python and the JVM)\n"
    )
    print(
        "| engine | customers | phase | seconds | CPU seconds | invoice line items/s | invoices/s | mrr_monthly rows/s "
        "| peak memory |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        rows = result.rows
        for phase in result.phases:
            seconds = result.seconds[phase]
            print(
                f"| {result.engine} | {result.customers:,} | {phase} | {seconds:.1f} | {result.cpu_seconds[phase]:.1f} | "
                f"{_rate(rows['invoice_line_items'], seconds)} | "
                f"{_rate(rows['invoices'], seconds)} | {_rate(rows['mrr_monthly'], seconds)} | "
                f"{_mib(result.peak_mib[phase])} |"
            )
        print(
            f"| {result.engine} | {result.customers:,} | **end to end** | **{result.total_seconds:.1f}** | "
            f"{sum(result.cpu_seconds.values()):.1f} | "
            f"{_rate(rows['invoice_line_items'], result.total_seconds)} | {_rate(rows['invoices'], result.total_seconds)} | "
            f"{_rate(rows['mrr_monthly'], result.total_seconds)} | **{_mib(max(result.peak_mib.values()))}** |"
        )
    print(
        "\n| engine | customers | invoice line items | invoices | mrr_monthly rows | dbt build node-seconds: load hook / models"
        " / unit tests / data tests | rolling NDR, dbt models: in the build / alone | hand-written 12-month NDR"
        " query (ratio in the build / alone) | hand-written, every lookback and GDR (ratio alone) |"
    )
    print("|---|---:|---:|---:|---:|---|---|---|---|")
    for result in results:
        nodes = result.dbt_node_seconds
        split = " / ".join(
            f"{nodes.get(kind, 0.0):.1f}" for kind in ("load hook", "models", "unit tests", "data tests")
        )
        print(
            f"| {result.engine} | {result.customers:,} | {result.rows['invoice_line_items']:,} | {result.rows['invoices']:,} | "
            f"{result.rows['mrr_monthly']:,} | {split} | {result.ndr_dbt_seconds:.2f} s / "
            f"{result.ndr_dbt_alone_seconds:.2f} s | {result.ndr_query_seconds:.2f} s "
            f"({_ratio(result.ndr_dbt_seconds, result.ndr_query_seconds)} / "
            f"{_ratio(result.ndr_dbt_alone_seconds, result.ndr_query_seconds)}) | "
            f"{result.all_lookbacks_query_seconds:.2f} s "
            f"({_ratio(result.ndr_dbt_alone_seconds, result.all_lookbacks_query_seconds)}) |"
        )

    print(
        "\n| engine | customers | raw-load floor | revops run (validate, build, publish) | run / floor | peak memory "
        "| DuckDB memory limit |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(
            f"| {result.engine} | {result.customers:,} | {result.raw_load_seconds:.1f} s | {result.run_seconds:.1f} s | "
            f"{_ratio(result.run_seconds, result.raw_load_seconds)} | {_mib(max(result.peak_mib.values()))} | "
            f"{_mib(result.memory_limit_mib)} |"
        )


def _ratio(dbt_seconds: float, query_seconds: float) -> str:
    return f"{dbt_seconds / query_seconds:.1f}x" if query_seconds > 0 else "-"


def _warm_the_parse(root: Path, memory_limit: str | None) -> None:
    """Runs start from the project's parsed project (`target/partial_parse.msgpack`), as every
    `revops run` after the first does: parse it once before the sizes, with the profile a run
    renders (dbt parses everything again when the profile changes), and time what a first run ever
    pays for a full parse."""
    folder = root / "parse"
    (folder / "spill").mkdir(parents=True)
    settings = {  # as pipeline._build gives them
        "db_path": folder / "warehouse.duckdb",  # the build file's name in every run
        "snapshot_dir": folder / "inputs",
        "memory_limit": duckdb_setting(memory_limit_bytes(memory_limit)),
        "spill_dir": folder / "spill",
        "billing_source": "billing",
    }
    timings = {}
    for name, target in (("in full", folder / "target"), ("of the project", None)):
        started = time.perf_counter()
        invoke(["parse"], target_path=target, **settings)
        timings[name] = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    print(
        f"dbt parse: {timings['in full']:.1f} s in full (a project's first run pays it), "
        f"{timings['of the project']:.1f} s from the project's parsed project (what every run below starts from)",
        flush=True,
    )


def _bench_in_child(
    customers: int, months: int, work: Path, verbose: bool, memory_limit: str | None, engine: str
) -> SizeResult:
    """Run one size in a fresh Python process, so that its peak memory is its own."""
    command = [sys.executable, __file__, "--child", str(customers), "--months", str(months), "--work", str(work)]
    command += ["--engine", engine]
    command += ["--memory-limit", memory_limit] if memory_limit else []
    subprocess.run([*command, *(["--verbose"] if verbose else [])], check=True)
    data = json.loads((work / "result.json").read_text())
    data["dbt_slowest"] = [tuple(pair) for pair in data["dbt_slowest"]]
    return SizeResult(**data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="customers per run, comma-separated")
    parser.add_argument("--months", type=int, default=36, help="months of history")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb", help="where dbt builds and tests")
    parser.add_argument("--keep", type=Path, help="write the inputs, databases and exports here and keep them")
    parser.add_argument("--verbose", action="store_true", help="show the pipeline's progress lines")
    parser.add_argument("--memory-limit", help="DuckDB's memory limit, as revops run --memory-limit takes it")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)  # one size, in its own process
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)

    if arguments.child:
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        result = bench_size(
            arguments.child,
            arguments.months,
            arguments.work,
            arguments.verbose,
            arguments.memory_limit,
            arguments.engine,
        )
        print_size(result, arguments.months)
        (arguments.work / "result.json").write_text(json.dumps(asdict(result)))
        return 0

    sizes = [int(size) for size in arguments.sizes.split(",") if size.strip()]
    if arguments.keep:
        arguments.keep.mkdir(parents=True, exist_ok=True)
    root = arguments.keep or Path(tempfile.mkdtemp(prefix="revops-benchmark-"))
    print(
        f"revops benchmark ({arguments.engine}): sizes {', '.join(f'{size:,}' for size in sizes)}; {arguments.months} months; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; working in {root}",
        flush=True,
    )
    results = []
    try:
        if arguments.engine == "duckdb":
            _warm_the_parse(root, arguments.memory_limit)
        for customers in sizes:
            work = root / f"customers_{customers}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            results.append(
                _bench_in_child(
                    customers, arguments.months, work, arguments.verbose, arguments.memory_limit, arguments.engine
                )
            )
    finally:
        if not arguments.keep:
            shutil.rmtree(root, ignore_errors=True)
    print_tables(results, arguments.months)
    print(f"\n(load average at the end: {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
