"""The reporting month (dbt var `as_of_month`): a build as of a month ignores everything dated later.

The demo is built twice as of the same month: once from the whole input, once from the input cut at that
month (later invoices with their lines and refunds, later credits and usage removed). Every published table
must come out the same, row for row, which also shows that the same input and month give the same tables.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from revops import DEMO_DATA_DIR
from revops.dbt_runner import invoke

AS_OF = date(2025, 12, 1)
# Built and compared: every model and seed (no tests; the suite runs those on the demo as it is).
BUILD = ["build", "--exclude-resource-type", "test", "unit_test", "--vars", f"{{as_of_month: '{AS_OF}'}}"]


def _cut_at_the_reporting_month(source: Path, target: Path) -> None:
    """Copy the demo input without anything dated after AS_OF's month."""
    shutil.copytree(source, target)
    after = f"date '{AS_OF}' + interval 1 month"
    with duckdb.connect() as connection:
        later_invoices = (
            f"select invoice_id from read_csv('{source}/invoices.csv') where cast(period_start as date) >= {after}"
        )
        cuts = {
            "invoices": f"cast(period_start as date) < {after}",
            "invoice_line_items": f"invoice_id not in ({later_invoices})",
            "refunds": f"invoice_id not in ({later_invoices})",
            "credits": f"cast(applies_to_month as date) < {after}",
            "usage": f"cast(usage_month as date) < {after}",
        }
        for name, keep in cuts.items():
            connection.execute(
                f"copy (select * from read_csv('{source}/{name}.csv', all_varchar = true) where {keep}) "
                f"to '{target}/{name}.csv' (header)"
            )


def _build(data_dir: Path, db_path: Path, target_path: Path) -> None:
    invoke(BUILD, data_dir=data_dir, db_path=db_path, target_path=target_path)


def _published_tables(db_path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db_path), read_only=True) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {name: sorted(connection.execute(f"select * from marts.{name}").fetchall(), key=repr) for name in names}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("as_of")
    _cut_at_the_reporting_month(DEMO_DATA_DIR, work / "cut")
    _build(DEMO_DATA_DIR, work / "whole.duckdb", work / "target_whole")
    _build(work / "cut", work / "cut.duckdb", work / "target_cut")
    return work / "whole.duckdb", work / "cut.duckdb"


def test_the_input_cut_at_the_reporting_month_really_loses_rows():
    with duckdb.connect() as connection:
        (later,) = connection.execute(
            f"select count(*) from read_csv('{DEMO_DATA_DIR}/invoices.csv') "
            f"where period_start >= date '{AS_OF}' + interval 1 month"
        ).fetchone()
    assert later > 1000


def test_a_build_as_of_a_month_ends_there_and_only_that_month_is_provisional(builds):
    whole, _ = builds
    with duckdb.connect(str(whole), read_only=True) as connection:
        for table in ("mrr_monthly", "customer_lifecycle_monthly", "lifecycle_components_monthly"):
            newest, provisional = connection.execute(
                f"select max(month), min(case when is_provisional then month end) from marts.{table}"
            ).fetchone()
            assert newest == provisional == AS_OF, table
        (flagged,) = connection.execute(
            "select count(*) from marts.lifecycle_components_monthly where is_in_analysis_window"
        ).fetchone()
        assert flagged == 18


def test_later_data_changes_no_published_table(builds):
    whole, cut = (_published_tables(path) for path in builds)
    assert set(whole) == set(cut)
    assert {"mrr_monthly", "revenue_adjustments", "customer_lifecycle_monthly", "tam_quota_account_quarterly"} <= set(
        whole
    )
    for name, rows in whole.items():
        assert rows, name
        assert rows == cut[name], name
