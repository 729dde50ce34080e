"""The main job: validate the input, build and test everything, publish only if all passed."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from revops import DEMO_DATA_DIR, PROJECT_DIR
from revops.dbt_runner import Progress, environment, invoke, project_vars
from revops.errors import InputError, RevopsError
from revops.memory import SpillWatcher, describe, duckdb_setting, machine_memory_bytes, memory_limit_bytes
from revops.publish import input_files, input_fingerprint, publish
from revops.workspace import Workspace

ENGINES = ("duckdb", "spark")


@dataclass
class RunReport:
    seconds: dict[str, float] = field(default_factory=dict)
    input_rows: dict[str, int] = field(default_factory=dict)
    published_rows: dict[str, int] = field(default_factory=dict)
    dbt_counts: dict[str, int] = field(default_factory=dict)
    dbt_timings: dict[str, float] = field(default_factory=dict)  # node unique_id -> seconds


@dataclass(frozen=True)
class RunOptions:
    """What to build: the reporting month (None: the newest month with a usage invoice) and the
    project variables to override (names declared in dbt_project.yml `vars:`), and DuckDB's memory
    limit (`--memory-limit`, e.g. 6GB or 40%; None: see `revops.memory`)."""

    as_of: date | None = None
    variables: dict[str, object] = field(default_factory=dict)
    memory_limit: str | None = None
    billing_source: str = "billing"  # the billing export read: the project's files or Stripe's tables

    def recognised_statuses(self) -> tuple[str, ...]:
        """The invoice statuses that count as revenue (dbt var recognised_invoice_statuses)."""
        statuses = self.variables.get("recognised_invoice_statuses", project_vars()["recognised_invoice_statuses"])
        return (statuses,) if isinstance(statuses, str) else tuple(str(status) for status in statuses or ())

    def dbt_vars(self) -> dict[str, object]:
        found = dict(self.variables)
        if self.as_of is not None:
            found["as_of_month"] = self.as_of.strftime("%Y-%m-01")
        return found


def run(
    data_dir: Path | None,
    db_path: Path,
    progress: Progress,
    target_path: Path | None = None,
    keep_build: Path | None = None,
    options: RunOptions | None = None,
    warn: Callable[[str], None] | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
) -> RunReport:
    """Validate `data_dir`, build and test into a private file, and publish it onto `db_path`.

    One run at a time per `db_path` (see `revops.workspace`). The build reads the snapshot the
    validator wrote of what it checked, never the files again. `target_path` is dbt's target
    directory (default: one of the run's own, its files put in the project's `target/` after the
    build: see `_DbtFiles`). `keep_build`, when given, is where the tested build file (every schema,
    not only the published one) is kept after publishing, for inspection or benchmarks; by default
    it is removed. `warn` receives the validator's warnings (default: `progress`).

    `engine` is where dbt builds and tests: "duckdb" (the build file itself) or "spark" (the
    profile's `spark` target on `spark_master`, default local[*] or REVOPS_SPARK_MASTER; its
    metastore, warehouse and logs in the run's build folder). A Spark build's published tables are
    then read into the build file (`revops.spark_bridge`), and publishing is the same for both.
    """
    if engine not in ENGINES:
        raise RevopsError(f"Unknown engine {engine!r}; the engines are {', '.join(ENGINES)}.")
    data_dir = Path(data_dir or DEMO_DATA_DIR).resolve()
    db_path = Path(db_path).resolve()
    options = options or RunOptions()
    if not data_dir.is_dir():
        raise InputError(
            f"--data-dir {data_dir} is a file; name the folder that holds the input files."
            if data_dir.exists()
            else f"The input directory {data_dir} does not exist."
        )
    if not db_path.parent.is_dir():
        raise RevopsError(f"The folder for the database, {db_path.parent}, does not exist.")
    if db_path.is_dir():
        raise RevopsError(f"--db {db_path} is a folder; name the DuckDB file to publish.")
    limit = memory_limit_bytes(options.memory_limit)
    report = RunReport()
    with Workspace(db_path) as workspace:
        if workspace.removed:
            progress(f"Removed what an interrupted run left behind: {', '.join(workspace.removed)}")
        workspace.spill_dir.mkdir()
        share = f"{limit / machine_memory_bytes():.0%} of this machine's {describe(machine_memory_bytes())}"
        # On Spark, DuckDB only validates and publishes; Spark's own memory is its profile's settings.
        role = " to validate and publish" if engine == "spark" else ""
        progress(
            f"DuckDB may use {describe(limit)} of memory{role} ({share}; --memory-limit sets it) "
            f"and spills the rest to {workspace.spill_dir}"
        )
        workspace.memory_limit = duckdb_setting(limit)
        fingerprint = _validate(data_dir, workspace, options, report, progress, warn)
        dbt_files = _DbtFiles.of(workspace, target_path)
        try:
            if engine == "spark":
                _build_on_spark(workspace, options, report, dbt_files, progress, spark_master)
            else:
                _build(workspace, options, report, dbt_files, progress)
        finally:
            dbt_files.share(progress)
        progress(f"Publishing to {db_path}")
        started = time.perf_counter()
        report.published_rows = publish(
            workspace.build_db,
            db_path,
            fingerprint=fingerprint,
            manifest_path=dbt_files.target / "manifest.json",
            as_of_month=options.as_of,
            dbt_vars=options.variables,
        )
        report.seconds["publish"] = time.perf_counter() - started
        if keep_build is not None:
            _keep(workspace.build_db, Path(keep_build))
    return report


def _validate(
    data_dir: Path,
    workspace: Workspace,
    options: RunOptions,
    report: RunReport,
    progress: Progress,
    warn: Callable[[str], None] | None,
) -> str:
    """Validate the input into the workspace's snapshot; the input's fingerprint.

    The fingerprint is taken before validation, and the files' sizes and modification times must
    be the same after it: the published fingerprint then names the bytes that were validated.
    """
    from revops.validate import Plausibility, validate

    progress(f"Validating the input files in {data_dir}")
    started = time.perf_counter()
    before = _file_states(data_dir)
    fingerprint = input_fingerprint(data_dir)
    plausibility = Plausibility(
        today=datetime.now(UTC).date(), as_of=options.as_of, recognised_statuses=options.recognised_statuses()
    )
    with SpillWatcher(workspace.spill_dir) as spill:
        report.input_rows = validate(
            data_dir,
            progress=progress,
            plausibility=plausibility,
            snapshot_dir=workspace.snapshot_dir,
            warn=warn,
            billing_source=options.billing_source,
            duckdb_config={"memory_limit": workspace.memory_limit, "temp_directory": str(workspace.spill_dir)},
        )
    _say_spilled(spill, "validation", progress)
    changed = [name for name, state in _file_states(data_dir).items() if before.get(name) != state]
    changed += [name for name in before if not (data_dir / name).exists()]
    if changed:
        raise InputError(
            f"{', '.join(sorted(set(changed)))} changed while being validated; run again once the export is complete."
        )
    report.seconds["validate"] = time.perf_counter() - started
    progress(f"Input is valid: {sum(report.input_rows.values()):,} rows in {len(report.input_rows)} tables")
    return fingerprint


def _file_states(data_dir: Path) -> dict[str, tuple[int, int, int]]:
    states = {}
    for path in input_files(data_dir):
        status = path.stat()
        states[path.name] = (status.st_size, status.st_mtime_ns, status.st_ino)
    return states


@dataclass(frozen=True)
class _DbtFiles:
    """Where a run's dbt writes its target folder (compiled SQL, manifest, run results, the parsed
    project) and its log.

    A run given no target folder gets one of its own in its build folder, so that two runs of the
    project at once (on different published files) never write the same file. It starts from the
    project's parsed project (`target/partial_parse.msgpack`), so dbt parses only what changed, and
    its files are put back in the project's `target/` when the build ends, passed or failed, each
    file replaced whole: `target/` holds the last build's files, as with a plain `dbt build` (when
    two builds end together, some files may come from one and some from the other). dbt's log
    stays the project's `logs/dbt.log`.
    """

    target: Path
    logs: Path | None = None
    shared: Path | None = None  # the project's target folder, for a private one

    @classmethod
    def of(cls, workspace: Workspace, target_path: Path | None) -> _DbtFiles:
        if target_path is not None:
            return cls(target=Path(target_path))
        shared = PROJECT_DIR / "target"
        private = workspace.build_dir / "target"
        private.mkdir()
        parsed = shared / "partial_parse.msgpack"
        if parsed.is_file():
            shutil.copyfile(parsed, private / parsed.name)
        return cls(target=private, logs=PROJECT_DIR / "logs", shared=shared)

    def share(self, progress: Progress) -> None:
        """Put a private target folder's files in the project's, each by an atomic rename. They are
        a convenience: a failure to copy them is said, and does not stop the run."""
        if self.shared is None:
            return
        try:
            for path in sorted(self.target.rglob("*")):
                if path.is_dir():
                    continue
                destination = self.shared / path.relative_to(self.target)
                destination.parent.mkdir(parents=True, exist_ok=True)
                incoming = destination.with_name(f".{destination.name}.{os.getpid()}")
                try:
                    shutil.copyfile(path, incoming)
                    os.replace(incoming, destination)
                finally:
                    incoming.unlink(missing_ok=True)
        except OSError as error:
            progress(f"dbt's files of this build could not be copied into {self.shared}: {error.strerror or error}")


def _build(
    workspace: Workspace,
    options: RunOptions,
    report: RunReport,
    dbt_files: _DbtFiles,
    progress: Progress,
    target: list[str] | None = None,
) -> None:
    """One `dbt build`: seeds, models, unit and data tests (`target`: dbt's --target arguments).

    The unit tests prove the rules with hand-worked numbers under the project's own settings, and
    do not read the input. With an as-of month or overridden variables, the build runs without
    them under the run's settings, and they run afterwards under the project's.
    """
    progress("Building and testing the warehouse with dbt (seeds, models, unit and data tests)")
    variables = options.dbt_vars()
    target = target or []
    build = ["build", *target, "--exclude-resource-type", "unit_test"] if variables else ["build", *target]
    common = {
        "db_path": workspace.build_db,
        "target_path": dbt_files.target,
        "log_path": dbt_files.logs,
        "progress": progress,
        "memory_limit": workspace.memory_limit,
        "spill_dir": workspace.spill_dir,
        "billing_source": options.billing_source,
    }
    with SpillWatcher(workspace.spill_dir) as spill:
        outcomes = [invoke(build, snapshot_dir=workspace.snapshot_dir, variables=variables, **common)]
        if variables:
            progress("Unit tests, under the project's own settings")
            outcomes.append(invoke(["test", *target, "--select", "test_type:unit"], **common))
    _say_spilled(spill, "the dbt build", progress)
    report.seconds["dbt build"] = sum(outcome.seconds for outcome in outcomes)
    for outcome in outcomes:
        for status, count in outcome.counts.items():
            report.dbt_counts[status] = report.dbt_counts.get(status, 0) + count
        report.dbt_timings.update(outcome.timings)
    seconds = report.seconds["dbt build"]
    progress(f"dbt build passed: {_format_counts(report.dbt_counts)} in {seconds:.1f} s")


def _build_on_spark(
    workspace: Workspace,
    options: RunOptions,
    report: RunReport,
    dbt_files: _DbtFiles,
    progress: Progress,
    master: str | None,
) -> None:
    """The same `dbt build` on Spark, then its published tables into the build file.

    Spark's metastore, warehouse, scratch and log live in the run's build folder (removed with it);
    its catalog is kept in memory, as nothing outside this process reads it. The session stops at
    the end, failed or not.
    """
    from revops.spark_bridge import contract_types, import_parquet_tables, spark_session_scope, spark_settings

    export_dir = workspace.build_dir / "export"
    settings = spark_settings(workspace.build_dir / "spark", master=master, catalog="in-memory")
    target = ["--target", "spark"]
    where = master or os.environ.get("REVOPS_SPARK_MASTER") or "local[*]"
    progress(f"Building on Apache Spark ({where}); Spark's files and log are in {workspace.build_dir / 'spark'}")
    with environment(settings), spark_session_scope():
        _build(workspace, options, report, dbt_files, progress, target)
        progress("Writing the published tables from Spark")
        started = time.perf_counter()
        invoke(
            ["run-operation", "export_published_tables", "--args", json.dumps({"directory": str(export_dir)}), *target],
            db_path=workspace.build_db,
            target_path=dbt_files.target,
            log_path=dbt_files.logs,
            progress=progress,
            billing_source=options.billing_source,
        )
    manifest = dbt_files.target / "manifest.json"
    import_parquet_tables(export_dir, workspace.build_db, contract_types(manifest))
    report.seconds["spark export"] = time.perf_counter() - started


def _say_spilled(spill: SpillWatcher, phase: str, progress: Progress) -> None:
    if spill.peak_bytes:
        progress(f"{phase} did not fit in the memory limit and spilled up to {describe(spill.peak_bytes)} to disk")


def _keep(build_db: Path, destination: Path) -> None:
    for leftover in (destination, destination.with_name(destination.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        os.link(build_db, destination)  # instant; the build folder is removed right after
    except OSError:
        shutil.copyfile(build_db, destination)


def _format_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
