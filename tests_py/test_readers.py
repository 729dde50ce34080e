"""Readers: the published file opens in the DuckDB 1.x that dashboard tools bundle.

scripts/install puts a pinned DuckDB 1.4 into its own throwaway venv, `.venv-readers`, beside the
project's DuckDB 2.x; this test reads the published file with it in a separate process. (That a
reader holding the file open is not broken by a run is tested in test_run.py.)
"""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

from revops import PROJECT_DIR

READERS_PYTHON = PROJECT_DIR / ".venv-readers" / "bin" / "python"

READ_EVERY_TABLE = """
import json, sys
import duckdb
with duckdb.connect(sys.argv[1], read_only=True) as connection:
    tables = [name for (name,) in connection.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    rows = {name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in tables}
    mrr = connection.execute("select sum(mrr_usd), sum(adjusted_mrr_usd) from marts.mrr_monthly").fetchone()
    fingerprint = connection.execute("select input_fingerprint from meta.build_info").fetchone()[0]
print(json.dumps({"version": duckdb.__version__, "rows": rows, "mrr": [str(value) for value in mrr],
                  "fingerprint": fingerprint}))
"""


def test_a_duckdb_1_4_reader_reads_every_published_table(published):
    if not READERS_PYTHON.exists():
        pytest.fail(f"{READERS_PYTHON} is missing: run scripts/install (it installs the pinned DuckDB 1.4 reader).")
    completed = subprocess.run(
        [str(READERS_PYTHON), "-c", READ_EVERY_TABLE, str(published)], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    old = json.loads(completed.stdout)
    assert old["version"].startswith("1.4."), old["version"]

    with duckdb.connect(str(published), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        rows = {name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0] for name in tables}
        mrr = connection.execute("select sum(mrr_usd), sum(adjusted_mrr_usd) from marts.mrr_monthly").fetchone()
        (fingerprint,) = connection.execute("select input_fingerprint from meta.build_info").fetchone()
    assert old["rows"] == rows
    assert all(count > 0 for count in rows.values()), rows
    assert old["mrr"] == [str(value) for value in mrr]
    assert old["fingerprint"] == fingerprint
