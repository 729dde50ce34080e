"""Runs the dbt project through dbt-core's programmatic entry point, one invocation per phase."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from revops import PROJECT_DIR
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


def _describe_failure(result) -> str:
    node = result.node
    kind = node.resource_type.value if hasattr(node.resource_type, "value") else str(node.resource_type)
    where = node.original_file_path
    message = (result.message or "").strip().splitlines()
    first = message[0] if message else str(result.status)
    if kind in ("test", "unit_test"):
        failing = f" ({result.failures} failing rows)" if getattr(result, "failures", None) else ""
        return f"The {kind.replace('_', ' ')} {node.name} in {where} failed{failing}: {first}"
    return f"The {kind} {node.name} in {where} could not be built: {first}"


def invoke(
    args: Sequence[str],
    *,
    data_dir: Path,
    db_path: Path,
    target_path: Path | None = None,
    progress: Progress | None = None,
) -> DbtOutcome:
    """Run `dbt <args>` on the project with the given input directory and database file.

    Raises RevopsError, naming every failed node, when dbt reports a failure.
    KeyboardInterrupt is left to reach dbt, which shuts down cleanly on it.
    """
    from dbt.cli.main import dbtRunner  # dbt is slow to import; only the commands that need it pay

    os.environ["REVOPS_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ["REVOPS_DB_PATH"] = str(Path(db_path).resolve())
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
        "--quiet",
    ]
    if target_path is not None:
        full_args += ["--target-path", str(target_path), "--log-path", str(target_path / "logs")]
    started = time.perf_counter()
    try:
        result = dbtRunner(callbacks=[on_event]).invoke(full_args)
    finally:
        _release_database()
    outcome = DbtOutcome(seconds=time.perf_counter() - started)
    if result.exception is not None:
        raise RevopsError(f"dbt could not run ({' '.join(args)}): {result.exception}")
    run_results = getattr(result.result, "results", None) or []
    for node_result in run_results:
        status = str(getattr(node_result.status, "value", node_result.status))
        outcome.counts[status] = outcome.counts.get(status, 0) + 1
        outcome.timings[node_result.node.unique_id] = node_result.execution_time
        if status in ("error", "fail", "runtime error"):
            outcome.failures.append(_describe_failure(node_result))
    if not result.success:
        raise RevopsError(outcome.failures or [f"dbt {' '.join(args)} failed; see {PROJECT_DIR / 'logs'}"])
    if not run_results and args and args[0] in ("build", "run", "test", "seed"):
        raise RevopsError(f"dbt {' '.join(args)} selected nothing to run.")
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


_PRINT_LOCK = threading.Lock()


def print_progress(message: str) -> None:
    """Progress goes to standard error, one whole line at a time (dbt reports from two threads)."""
    with _PRINT_LOCK:
        print(message, file=sys.stderr, flush=True)
