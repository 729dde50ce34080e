"""Spark and DuckDB publish the same marts: every row and column, money to the cent, doubles within 1e-9.

The Spark builds run in one child process (tests_py/spark_builds.py, one JVM), started in the
background when pytest collects these tests (tests_py/conftest.py): the demo along the path of
`revops run --engine spark` (validated snapshot, export, import, publish), and a generated company
of 3,000 customers whose billing data are Stripe's tables on a standalone cluster (one master,
one two-core worker) started for the test; both seeds and
models only (the dbt tests on Spark are `revops run --engine spark`'s, run by hand: README). Marked `spark` (minutes): `pytest -m spark` runs them
alone, `-m "not spark"` leaves them out of a quick local loop; scripts/test runs everything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from revops import PROJECT_DIR
from revops.cli import main
from revops.spark_bridge import compare_schemas
from revops.spark_bridge import main as compare_command

pytestmark = pytest.mark.spark


def _assert_same(left: Path, right: Path) -> None:
    differences = compare_schemas(left, right)
    assert not differences, "\n".join(str(difference) for difference in differences[:20])


def _tables(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as connection:
        names = connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        return {name: connection.execute(f"select count(*) from marts.{name}").fetchone()[0] for (name,) in names}


def test_the_demo_built_on_spark_publishes_the_same_file(spark_builds, published):
    """`published` is the DuckDB engine's `revops run` of the demo."""
    spark_file = spark_builds / "demo-spark.duckdb"
    _assert_same(spark_file, published)
    tables = _tables(spark_file)
    assert tables == _tables(published)
    assert tables["mrr_monthly"] > 5_000 and tables["revenue_adjustments"] > 100
    with duckdb.connect(str(spark_file), read_only=True) as connection:
        (published_tables,) = connection.execute("select published_tables from meta.build_info").fetchone()
    assert json.loads(published_tables) == tables


def test_a_generated_company_in_stripe_tables_on_a_standalone_cluster_gives_the_same_marts(spark_builds):
    _assert_same(spark_builds / "generated-spark.duckdb", spark_builds / "generated-duckdb.duckdb")
    tables = _tables(spark_builds / "generated-spark.duckdb")
    # Stripe's tables reached the marts: at least a month of MRR per generated customer on average.
    assert tables["mrr_monthly"] > 3_000
    assert tables["revenue_adjustments"] > 0 and tables["tam_quota_account_quarterly"] > 0
    # The worker ran an executor: the tasks ran in a JVM of their own on the cluster, not in the driver.
    logs = list((spark_builds / "cluster").glob("worker-*.log"))
    assert len(logs) == 1 and "Asked to launch executor" in logs[0].read_text()


def test_spark_leaves_nothing_behind(spark_builds):
    """The run's Spark folder (metastore, warehouse, scratch, log) went with its build folder;
    nothing was written into the working directory or the project."""
    assert not [path.name for path in spark_builds.iterdir() if path.name.startswith(".demo-spark.duckdb.")]
    for folder in (spark_builds, PROJECT_DIR):
        assert not {"metastore_db", "spark-warehouse", "derby.log"} & {path.name for path in folder.iterdir()}


def test_the_comparison_finds_a_cent_and_a_last_digit(published, tmp_path, capsys):
    """The equivalence check can fail: one cent of MRR on one row, a ratio off by 1e-7 and one
    character more in a text are each reported; a ratio off by 1e-12 is within the tolerance."""
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(published, changed)
    with duckdb.connect(str(changed)) as connection:
        connection.execute(
            "update marts.mrr_monthly set mrr_usd = mrr_usd + 0.01 where rowid = (select min(rowid) from marts.mrr_monthly)"
        )
        connection.execute("update marts.retention_rolling_monthly set ndr = ndr + 1e-7 where lookback_months = 3")
        connection.execute("update marts.retention_rolling_monthly set gdr = gdr * (1 + 1e-12)")
        connection.execute(
            "update marts.revenue_adjustments set rule_inputs = rule_inputs || ' ' where adjustment_type = 'spike'"
        )
    differences = compare_schemas(changed, published)
    found = {(difference.table, difference.what.split(":")[0]) for difference in differences}
    assert found == {
        ("mrr_monthly", "column mrr_usd"),
        ("retention_rolling_monthly", "column ndr"),
        ("revenue_adjustments", "column rule_inputs"),
    }
    assert next(difference for difference in differences if difference.table == "mrr_monthly").what.startswith(
        "column mrr_usd: 1 rows differ"
    )
    # The command the README gives for comparing two published files by hand.
    assert compare_command([str(changed), str(published)]) == 1
    assert compare_command([str(published), str(published)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:3] == [str(difference) for difference in differences]
    assert printed[-1].startswith("equal: ") and " tables of schema marts, " in printed[-1]


def test_plain_dbt_on_spark_refuses_a_folder_it_cannot_read_exactly(tmp_path):
    """Spark expands [ ] { } * ? in paths: plain dbt on Spark refuses a data folder named with them
    before reading anything (revops run reads its snapshot instead). The loader's file lookup is
    compiled alone (no Spark session is needed to refuse)."""
    folder = tmp_path / "in[1]"
    folder.mkdir()
    (folder / "invoices.csv").write_text("invoice_id\n")
    command = [str(Path(sys.executable).with_name("dbt")), "compile", "--target", "spark", "--no-populate-cache"]
    command += ["--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")]
    command += ["--inline", "{{ spark__find_input_files(var('data_dir'), []) }}"]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=dict(os.environ, REVOPS_DATA_DIR=str(folder), REVOPS_SPARK_DIR=str(tmp_path / "spark")),
        timeout=600,
    )
    assert completed.returncode != 0
    assert f"Spark reads the input directory {folder} by exact paths only when its path has none of" in (
        completed.stdout + completed.stderr
    )
    assert not (tmp_path / "spark").exists()


def test_a_spark_master_without_the_spark_engine_is_a_usage_error(tmp_path, capsys):
    code = main(["run", "--db", str(tmp_path / "revops.duckdb"), "--spark-master", "spark://127.0.0.1:7077"])
    assert code == 2
    assert capsys.readouterr().err.splitlines()[0] == "error: --spark-master needs --engine spark."
    assert not (tmp_path / "revops.duckdb").exists()
