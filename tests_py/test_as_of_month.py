"""The reporting month (dbt var `as_of_month`): a build as of a month ignores everything dated later.

The demo is built twice as of the same month: once from the whole input, once from the input cut at that
month (later invoices with their lines and refunds, later credits and usage removed). Every published table
must come out the same, row for row, which also shows that the same input and month give the same tables
(a quarter-end report rebuilt later gives the same numbers). Through `revops run`: a run with `--as-of`
and `--var` records both and ends at that month.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops import DEMO_DATA_DIR
from revops.cli import main
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


def test_a_run_as_of_a_month_records_it_and_its_variables(valid_inputs, tmp_path, capsys):
    """A run with --as-of and --var records both and ends at that month. It also removes what killed runs
    left beside its file, whose name has a quote (a SQL string delimiter). (That the same input and month
    give the same tables is the module's two builds above: different inputs, the same tables.)"""
    db = tmp_path / "o'brien.duckdb"
    (tmp_path / ".o'brien.duckdb.build-99999" / "inputs").mkdir(parents=True)
    (tmp_path / ".o'brien.duckdb.build-99999" / "warehouse.duckdb").write_bytes(b"half a build")
    (tmp_path / ".o'brien.duckdb.publishing-99998").write_bytes(b"half a publish")
    (tmp_path / ".o'brien.duckdb.build.duckdb").write_bytes(b"an older version's build")
    code = main(
        [
            "run",
            "--data-dir",
            str(valid_inputs),
            "--db",
            str(db),
            "--as-of",
            "2025-01",
            "--var",
            "include_tax_in_mrr=false",
        ]
    )
    log = capsys.readouterr().err
    assert code == 0, log
    assert (
        "Removed what an interrupted run left behind: .o'brien.duckdb.build-99999, .o'brien.duckdb.build.duckdb, "
        ".o'brien.duckdb.publishing-99998\n" in log
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["inputs", "o'brien.duckdb"]
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute("select as_of_month, dbt_vars from meta.build_info").fetchone() == (
            date(2025, 1, 1),
            '{"include_tax_in_mrr": false}',
        )
        # The reporting month is the as-of month, though February has invoices; org_1's January is
        # inv_1's 154.00 less its 14.00 tax (the variable) less the 25.00 refund's pre-tax share,
        # 25.00 x 140.00 / 154.00 = 22.73: 140.00 - 22.73 = 117.27.
        assert connection.execute("select max(month) from marts.mrr_monthly").fetchone() == (date(2025, 1, 1),)
        assert connection.execute(
            "select mrr_usd from marts.mrr_monthly where organization_id = 'org_1' and month = '2025-01-01'"
        ).fetchone() == (Decimal("117.27"),)


def test_without_as_of_build_info_records_none(published):
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select as_of_month, dbt_vars from meta.build_info").fetchone() == (None, "{}")
