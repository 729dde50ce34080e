"""Readers: the published file opens in the DuckDB 1.x that dashboard tools bundle.

scripts/install puts a pinned DuckDB 1.4 into its own throwaway venv, `.venv-readers`, beside the
project's DuckDB 2.x; a test reads the published file with it in a separate process. Another holds the
file open with the project's DuckDB while a run replaces it.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import duckdb
import pytest

from revops import DEMO_DATA_DIR, PROJECT_DIR
from revops.cli import main

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


def test_a_reader_holding_the_file_open_is_not_broken_by_a_run(published, tmp_path, capsys):
    db = tmp_path / "shared.duckdb"
    shutil.copyfile(published, db)
    reader = duckdb.connect(str(db), read_only=True)
    try:
        (rows_before,) = reader.execute("select count(*) from marts.mrr_monthly").fetchone()
        code = main(["run", "--data-dir", str(DEMO_DATA_DIR), "--db", str(db)])
        stderr = capsys.readouterr().err
        assert code == 0, stderr
        (rows_during,) = reader.execute("select count(*) from marts.mrr_monthly").fetchone()
        assert rows_during == rows_before
    finally:
        reader.close()
    with duckdb.connect(str(db), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.mrr_monthly").fetchone()[0] == rows_before
