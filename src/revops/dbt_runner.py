"""Runs the dbt project through dbt-core's programmatic entry point, one invocation per phase."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from revops import PROJECT_DIR, interrupts
from revops.errors import RevopsError

Progress = Callable[[str], None]

# dbt events that close a node.
_NODE_RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogNodeResult"}


@dataclass
class DbtOutcome:
    """What one dbt invocation did: node counts by status and the failures in plain words."""

    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # node unique_id -> seconds


def _describe_failure(result, status: str) -> str:
    """`status`: the result's status as text ("fail", "error", ...)."""
    node = result.node
    kind = node.resource_type.value if hasattr(node.resource_type, "value") else str(node.resource_type)
    where = node.original_file_path
    reason = _reason(result.message) or str(result.status)
    if kind == "unit_test":
        # The first line says what failed; the diff table after it does not fit on a line.
        reason = reason.split(": ", 1)[0].split(" @@")[0]
    elif kind == "test" and status == "fail" and (node.description or "").strip():
        # A data test that says what its failure means (and what to do) says it instead of dbt's
        # "Got N results, configured to fail if != 0".
        reason = " ".join(node.description.split())
    if kind in ("test", "unit_test"):
        failing = f" ({result.failures} failing rows)" if getattr(result, "failures", None) else ""
        return f"The {kind.replace('_', ' ')} {node.name} in {where} failed{failing}: {reason}"
    return f"The {kind} {node.name} in {where} could not be built: {reason}"


def _reason(message: object) -> str:
    """The database's own words from a dbt message, on one line.

    dbt words a node's error as "Runtime Error in model X (path)" and puts the database's reason on
    the lines after it, followed by the SQL line it points at ("LINE 26: ..."), which is left out.
    """
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(message or "").splitlines()]
    lines = [line for line in lines if line]
    if lines and re.match(r"(Runtime|Database|Compilation) Error in ", lines[0]) and len(lines) > 1:
        lines = lines[1:]
    kept = []
    for line in lines:
        if line.startswith("LINE ") or line == "^":
            break
        kept.append(line)
    return " ".join(kept[:3])


def invoke(
    args: Sequence[str],
    *,
    db_path: Path,
    data_dir: Path | None = None,
    snapshot_dir: Path | None = None,
    variables: dict[str, object] | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    progress: Progress | None = None,
    memory_limit: str | None = None,
    spill_dir: Path | None = None,
    billing_source: str | None = None,
) -> DbtOutcome:
    """Run `dbt <args>` on the project with the given database file and input.

    The input is the validator's snapshot (`snapshot_dir`, what `revops run` builds from) or else the
    files of `data_dir`. `variables` are passed as dbt `--vars`. `memory_limit` (DuckDB's setting,
    e.g. 6144MiB) and `spill_dir` bound DuckDB's memory (default: DuckDB's own, beside the file).
    `billing_source` (billing or stripe) names the billing export the staging models read.
    `target_path` is dbt's target folder (default: the project's `target/`) and `log_path` the folder
    of dbt's log (default: `logs/` in the target folder given, else the project's `logs/`). The
    environment variables set for the call are restored after it.

    Raises RevopsError, naming every failed node with the database's reason, when dbt reports a
    failure. KeyboardInterrupt is left to reach dbt, which shuts down cleanly on it, and raised again.
    """
    # dbt re-parses the whole project (about 10 CPU seconds) whenever the rendered profile differs
    # from the last parse's, and every run builds into a folder of its own. dbt therefore runs from
    # that folder and the profile names the database and the spill folder relative to it: the
    # profile renders the same for every run and dbt parses only the files that changed.
    folder = Path(db_path).resolve().parent
    settings = {
        "REVOPS_DB_PATH": Path(db_path).name,
        "REVOPS_DATA_DIR": str(Path(data_dir).resolve()) if data_dir is not None else None,
        "REVOPS_INPUT_SNAPSHOT_DIR": str(Path(snapshot_dir).resolve()) if snapshot_dir is not None else None,
        "REVOPS_DUCKDB_MEMORY_LIMIT": memory_limit,
        "REVOPS_DUCKDB_SPILL_DIR": _relative_to(Path(spill_dir), folder) if spill_dir is not None else None,
        # The project var billing_source reads it; None keeps the caller's environment.
        **({"REVOPS_BILLING_SOURCE": billing_source} if billing_source is not None else {}),
    }
    if variables:
        args = [*args, "--vars", json.dumps(variables)]
    if target_path is not None:
        target_path = Path(target_path).resolve()
        log_path = log_path or target_path / "logs"
    log_path = Path(log_path or PROJECT_DIR / "logs").resolve()
    with environment(settings), contextlib.chdir(folder):
        return _invoke(args, target_path=target_path, log_path=log_path, progress=progress)


def _relative_to(path: Path, folder: Path) -> str:
    """`path` relative to `folder` when it lies inside it, else absolute."""
    path = path.resolve()
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)


@contextlib.contextmanager
def environment(values: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _invoke(args: Sequence[str], *, target_path: Path | None, log_path: Path, progress: Progress | None) -> DbtOutcome:
    from dbt.cli.main import dbtRunner  # dbt is slow to import; only the commands that need it pay

    tests_passed = 0

    def on_event(event) -> None:
        nonlocal tests_passed
        name = event.info.name
        if progress is None or name not in _NODE_RESULT_EVENTS:
            return
        data = event.data
        node_info = getattr(data, "node_info", None)
        node = getattr(node_info, "node_name", "") if node_info else ""
        status = str(getattr(data, "status", "") or getattr(node_info, "node_status", "")).lower()
        seconds = getattr(data, "execution_time", 0.0) or 0.0
        if status not in ("success", "pass", "ok"):
            progress(f"  {node}: {status.upper()}")
        elif name == "LogTestResult":
            tests_passed += 1
            if tests_passed % 100 == 0:
                progress(f"  {tests_passed} tests passed so far")
        else:
            progress(f"  built {node} ({seconds:.1f} s)")

    full_args = [
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR / "profiles"),
        # Nothing on the console (progress comes from the callback, failures from the results);
        # everything in the log file.
        "--log-level",
        "none",
        "--log-level-file",
        "debug",
        "--log-path",
        str(log_path),
    ]
    if target_path is not None:
        full_args += ["--target-path", str(target_path)]
    started = time.perf_counter()
    try:
        result = dbtRunner(callbacks=[on_event]).invoke(full_args)
    finally:
        _release_database()
    outcome = DbtOutcome(seconds=time.perf_counter() - started)
    # An interrupt can surface from dbt as another failure (a connection closed under a running node).
    interrupts.raise_if_received()
    if isinstance(result.exception, KeyboardInterrupt):
        raise result.exception
    if result.exception is not None:
        reason = _reason(result.exception) or type(result.exception).__name__
        raise RevopsError(f"dbt could not run ({args[0]}): {reason}")
    run_results = getattr(result.result, "results", None) or []
    for node_result in run_results:
        if not hasattr(node_result, "node"):
            continue  # run-operation reports the macro's own result, not nodes
        status = str(getattr(node_result.status, "value", node_result.status))
        outcome.counts[status] = outcome.counts.get(status, 0) + 1
        outcome.timings[node_result.node.unique_id] = node_result.execution_time
        if status in ("error", "fail", "runtime error"):
            outcome.failures.append(_describe_failure(node_result, status))
    if not result.success:
        raise RevopsError(outcome.failures or [f"dbt {args[0]} failed; see the log in {log_path}."])
    if not run_results and args and args[0] in ("build", "run", "test", "seed"):
        raise RevopsError(f"dbt {args[0]} selected nothing to run.")
    return outcome


def _release_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after an invocation.

    dbt-duckdb caches one database instance per process (class attribute `_ENV`); until it is
    closed, the build file cannot be opened again with another configuration (read-only, for
    publishing) nor moved safely. dbt offers no public call for this.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            environment.close()


@functools.cache
def project_vars() -> dict[str, object]:
    """The variables dbt_project.yml declares under `vars:`, with their default values."""
    with (PROJECT_DIR / "dbt_project.yml").open() as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})


_PRINT_LOCK = threading.Lock()


def print_progress(message: str) -> None:
    """Progress goes to standard error, one whole line at a time (dbt reports from two threads)."""
    with _PRINT_LOCK:
        print(message, file=sys.stderr, flush=True)
