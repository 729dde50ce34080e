"""Spark and DuckDB publish the same marts: every row and column, money to the cent, doubles within 1e-9.

The Spark builds run in one child process (tests_py/spark_builds.py, one JVM): the demo through
`revops run --engine spark` with every dbt test, a generated company and the demo on a standalone
cluster of two workers, models only. Marked `spark` (about five minutes): `pytest -m spark` runs
them alone, `-m "not spark"` leaves them out of a quick local loop; scripts/test runs everything.
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
from revops.generate import generate
from revops.spark_bridge import compare_schemas

pytestmark = pytest.mark.spark

HERE = Path(__file__).resolve().parent
GENERATED_CUSTOMERS = 3_000
GENERATED_MONTHS = 36


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated company of a few thousand customers, with one optional file and one optional
    column left out, so both engines' loaders fill them in (an empty table, a null column)."""
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, customers=GENERATED_CUSTOMERS, months=GENERATED_MONTHS, seed=11)
    (folder / "usage_optimizations.csv").unlink()
    credits = duckdb.sql(f"select * exclude (note) from read_csv('{folder / 'credits.csv'}', all_varchar = true)")
    credits.write_csv(str(folder / "credits.tmp.csv"))
    (folder / "credits.tmp.csv").replace(folder / "credits.csv")
    return folder


@pytest.fixture(scope="module")
def spark_builds(tmp_path_factory, generated) -> Path:
    work = tmp_path_factory.mktemp("spark")
    completed = subprocess.run(
        [sys.executable, str(HERE / "spark_builds.py"), "--work", str(work), "--generated", str(generated)],
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=work,  # Spark must write nothing into the working directory: checked below
    )
    (work / "spark_builds.log").write_text(completed.stdout + completed.stderr)
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-6000:]
    print(json.loads((work / "timings.json").read_text()))
    return work


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
    spark_file = spark_builds / "demo-spark.duckdb"
    _assert_same(spark_file, published)
    tables = _tables(spark_file)
    assert tables == _tables(published)
    assert tables["mrr_monthly"] > 10_000 and tables["revenue_adjustments"] > 100
    with duckdb.connect(str(spark_file), read_only=True) as connection:
        (published_tables,) = connection.execute("select published_tables from meta.build_info").fetchone()
    assert json.loads(published_tables) == tables


def test_a_generated_company_gives_the_same_marts_on_both_engines(spark_builds):
    _assert_same(spark_builds / "generated-spark.duckdb", spark_builds / "generated-duckdb.duckdb")
    tables = _tables(spark_builds / "generated-spark.duckdb")
    assert tables["mrr_monthly"] > 50_000


def test_a_standalone_cluster_gives_the_same_marts(spark_builds, published):
    _assert_same(spark_builds / "cluster-spark.duckdb", published)
    logs = (spark_builds / "cluster").glob("worker-*.log")
    # Both workers ran executors: the build was spread over the cluster, not run in the driver.
    assert sum("Launching executor" in log.read_text() for log in logs) == 2


def test_spark_leaves_nothing_behind(spark_builds):
    """The run's Spark folder (metastore, warehouse, scratch, log) went with its build folder;
    nothing was written into the working directory or the project."""
    assert not [path.name for path in spark_builds.iterdir() if path.name.startswith(".demo-spark.duckdb.")]
    for folder in (spark_builds, PROJECT_DIR):
        assert not {"metastore_db", "spark-warehouse", "derby.log"} & {path.name for path in folder.iterdir()}


def test_the_comparison_finds_a_cent_and_a_last_digit(spark_builds, tmp_path):
    """The equivalence check can fail: one cent of MRR, a ratio off by 1e-7 and an edited text are
    each reported; a ratio off by 1e-12 is within the tolerance."""
    changed = tmp_path / "changed.duckdb"
    shutil.copyfile(spark_builds / "demo-spark.duckdb", changed)
    with duckdb.connect(str(changed)) as connection:
        connection.execute(
            "update marts.mrr_monthly set mrr_usd = mrr_usd + 0.01 "
            "where (organization_id, month) = (select (organization_id, month) from marts.mrr_monthly "
            "order by organization_id, month limit 1)"
        )
        connection.execute(
            "update marts.retention_rolling_monthly set ndr = ndr + 1e-7 where lookback_months = 3 and ndr is not null"
        )
        connection.execute("update marts.retention_rolling_monthly set gdr = gdr * (1 + 1e-12) where gdr is not null")
        connection.execute(
            "update marts.revenue_adjustments set rule_inputs = rule_inputs || ' ' where adjustment_type = 'spike'"
        )
    found = {
        (difference.table, str(difference).split(":")[1].strip())
        for difference in compare_schemas(changed, spark_builds / "demo-spark.duckdb")
    }
    assert found == {
        ("mrr_monthly", "column mrr_usd"),
        ("retention_rolling_monthly", "column ndr"),
        ("revenue_adjustments", "column rule_inputs"),
    }


def test_plain_dbt_on_spark_refuses_a_folder_it_cannot_read_exactly(tmp_path):
    """Spark expands [ ] { } * ? in paths; a data folder named with them is refused up front by
    `dbt build --target spark` (revops run reads its snapshot instead)."""
    folder = tmp_path / "in[1]"
    folder.mkdir()
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "run", "--target", "spark", "--select", "stg_crm__quotas"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=dict(
            os.environ,
            REVOPS_DATA_DIR=str(folder),
            REVOPS_SPARK_DIR=str(tmp_path / "spark"),
            REVOPS_SPARK_CATALOG="in-memory",
        ),
        timeout=600,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "by exact paths only when its path has none of the characters" in output
