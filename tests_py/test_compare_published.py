"""scripts/compare_published.py, the proof that a change left the published tables as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from revops import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "compare_published.py"


def _published(path: Path, rows: list[tuple[str, str]], schema: str = "marts") -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create schema {schema}")
        connection.execute(f"create table {schema}.mrr_monthly (organization_id varchar, mrr_usd decimal(18, 2))")
        if rows:
            connection.executemany(f"insert into {schema}.mrr_monthly values (?, ?)", rows)
    return path


def _compare(before: Path, after: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(before), str(after)], capture_output=True, text=True)


def test_identical_files_pass(tmp_path):
    rows = [("org_1", "10.00"), ("org_1", "10.00"), ("org_2", "5.50")]
    result = _compare(_published(tmp_path / "a.duckdb", rows), _published(tmp_path / "b.duckdb", rows))
    assert result.returncode == 0, result.stdout
    assert "mrr_monthly: 3 rows, 0 only before, 0 only after" in result.stdout
    assert result.stdout.rstrip().endswith("identical")


def test_a_cent_or_a_duplicate_is_a_difference(tmp_path):
    before = _published(tmp_path / "a.duckdb", [("org_1", "10.00"), ("org_2", "5.50")])
    cent = _compare(before, _published(tmp_path / "b.duckdb", [("org_1", "10.01"), ("org_2", "5.50")]))
    duplicate = _compare(
        before, _published(tmp_path / "c.duckdb", [("org_1", "10.00"), ("org_1", "10.00"), ("org_2", "5.50")])
    )
    assert cent.returncode == 1 and "mrr_monthly: 1 rows only in" in cent.stdout
    assert duplicate.returncode == 1 and "0 rows only in" in duplicate.stdout and ", 1 only after" in duplicate.stdout


def test_files_without_published_tables_are_not_called_identical(tmp_path):
    result = _compare(
        _published(tmp_path / "a.duckdb", [], schema="other"), _published(tmp_path / "b.duckdb", [], schema="other")
    )
    assert result.returncode == 1
    assert "has no marts tables" in result.stdout
