"""The main job: validate the input, build and test everything, publish only if all passed."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from revops import DEMO_DATA_DIR, PROJECT_DIR
from revops.dbt_runner import Progress, invoke
from revops.errors import RevopsError
from revops.publish import input_fingerprint, publish


@dataclass
class RunReport:
    seconds: dict[str, float] = field(default_factory=dict)
    input_rows: dict[str, int] = field(default_factory=dict)
    published_rows: dict[str, int] = field(default_factory=dict)
    dbt_counts: dict[str, int] = field(default_factory=dict)
    dbt_timings: dict[str, float] = field(default_factory=dict)  # node unique_id -> seconds


def _remove_database(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def run(
    data_dir: Path | None,
    db_path: Path,
    progress: Progress,
    target_path: Path | None = None,
    keep_build: Path | None = None,
) -> RunReport:
    """Validate `data_dir`, build and test into a private file, and publish it onto `db_path`.

    `target_path` is dbt's target directory (default: the project's `target/`); give another one
    to run beside a build that uses the project's. `keep_build`, when given, is where the tested
    build file (every schema, not only the published one) is kept after publishing, for inspection
    or benchmarks; by default it is removed.
    """
    from revops.validate import validate

    data_dir = Path(data_dir or DEMO_DATA_DIR).resolve()
    db_path = Path(db_path).resolve()
    if not data_dir.is_dir():
        raise RevopsError(f"The input directory {data_dir} does not exist.")
    if not db_path.parent.is_dir():
        raise RevopsError(f"The folder for the database, {db_path.parent}, does not exist.")
    report = RunReport()

    progress(f"Validating the input files in {data_dir}")
    started = time.perf_counter()
    report.input_rows = validate(data_dir, progress=progress)
    report.seconds["validate"] = time.perf_counter() - started
    progress(f"Input is valid: {sum(report.input_rows.values()):,} rows in {len(report.input_rows)} tables")

    build_db = db_path.with_name(f".{db_path.name}.build.duckdb")
    _remove_database(build_db)
    try:
        progress("Building and testing the warehouse with dbt (seeds, models, unit and data tests)")
        outcome = invoke(["build"], data_dir=data_dir, db_path=build_db, target_path=target_path, progress=progress)
        report.seconds["dbt build"] = outcome.seconds
        report.dbt_counts = outcome.counts
        report.dbt_timings = outcome.timings
        progress(f"dbt build passed: {_format_counts(outcome.counts)} in {outcome.seconds:.1f} s")

        progress(f"Publishing to {db_path}")
        started = time.perf_counter()
        report.published_rows = publish(
            build_db,
            db_path,
            fingerprint=input_fingerprint(data_dir),
            manifest_path=Path(target_path or PROJECT_DIR / "target") / "manifest.json",
        )
        report.seconds["publish"] = time.perf_counter() - started
        if keep_build is not None:
            _keep(build_db, Path(keep_build))
    finally:
        _remove_database(build_db)
    return report


def _keep(build_db: Path, destination: Path) -> None:
    _remove_database(destination)
    try:
        os.link(build_db, destination)  # instant; the build file is removed right after
    except OSError:
        shutil.copyfile(build_db, destination)


def _format_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
