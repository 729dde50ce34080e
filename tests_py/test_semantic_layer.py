"""The semantic layer: MetricFlow, run as an analyst would (`mf validate-configs`, `mf query`), against a
published file, returns the numbers of the published tables: at month grain, and at quarter and year grain
the period's last month for stocks and rolling retention, its first month's opening for baselines, the sum
of its months for flows and the ratio of those for rates; grouped by the customer and product dimensions,
the numbers of the by-slice tables.

`mf` reads the semantic manifest from `<project>/target/`, so the test works on a private copy of the
dbt project (the models, macros and profile) to leave the checkout's target/ alone.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops import DEMO_DATA_DIR, PROJECT_DIR

BIN = Path(sys.executable).parent
PROJECT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "profiles")


@pytest.fixture(scope="module")
def semantic(published, tmp_path_factory) -> dict:
    """A private copy of the project, parsed against a copy of the published file; returns the environment."""
    root = tmp_path_factory.mktemp("semantic")
    project = root / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copyfile(source, project / name)
    db = root / "db" / published.name  # DuckDB names the catalog after the file: keep the name
    db.parent.mkdir()
    shutil.copyfile(published, db)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "REVOPS_DB_PATH": str(db),
        "REVOPS_DB_ACCESS_MODE": "read_only",
        "REVOPS_DATA_DIR": str(DEMO_DATA_DIR),
        "DBT_PROJECT_DIR": str(project),
        "DBT_PROFILES_DIR": str(project / "profiles"),
    }
    completed = subprocess.run(
        [str(BIN / "dbt"), "parse", "--quiet"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert (project / "target" / "semantic_manifest.json").exists()
    return {"env": env, "project": project, "db": db, "root": root}


def mf(semantic: dict, *args: str) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    completed = subprocess.run(
        [str(BIN / "revops-mf"), *args],
        cwd=semantic["project"],
        env=semantic["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(f"mf {args[0]} took {time.perf_counter() - started:.1f} s")
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "ERROR:" not in completed.stdout, completed.stdout[-4000:]
    return completed


def query(semantic: dict, name: str, metrics: list[str], group_by: list[str]) -> list[dict]:
    out = semantic["root"] / f"{name}.csv"
    mf(
        semantic,
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        ",".join(group_by),
        "--order",
        group_by[0],
        "--csv",
        str(out),
    )
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def cents(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


def money(text: str) -> Decimal:
    """A money cell of `mf query`; empty when no row of the period has the measure, which is 0 in the marts."""
    return cents(text) if text else Decimal("0.00")


def period_start(month: date, grain: str) -> date:
    return date(month.year, 1 if grain == "year" else (month.month - 1) // 3 * 3 + 1, 1)


def by_period(rows: list[tuple], grain: str) -> dict[date, list[tuple]]:
    """Monthly rows (month first, in month order) grouped by the quarter or year they fall in."""
    periods: dict[date, list[tuple]] = {}
    for row in rows:
        periods.setdefault(period_start(row[0], grain), []).append(row)
    return periods


def test_the_semantic_layer_validates_against_the_published_file(semantic):
    # A dashboard holding the file open read-only does not block the semantic layer.
    with duckdb.connect(str(semantic["db"]), read_only=True):
        completed = mf(semantic, "validate-configs")
    assert "Successfully validated metrics against data warehouse" in completed.stdout


def test_mf_query_returns_the_published_numbers(semantic):
    rows = query(
        semantic,
        "monthly",
        ["mrr", "adjusted_mrr", "new_mrr", "churned_mrr", "lifecycle_mrr", "churn_rate_pct", "ndr_12m", "gdr_3m"],
        ["metric_time__month"],
    )
    by_month = {date.fromisoformat(row["metric_time__month"][:10]): row for row in rows}
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        mrr = connection.execute(
            "select month, sum(mrr_usd), sum(adjusted_mrr_usd) from marts.mrr_monthly group by month order by month"
        ).fetchall()
        lifecycle = connection.execute(
            "select month, new_mrr_usd, churned_mrr_usd, total_mrr_usd, churn_rate_pct "
            "from marts.lifecycle_components_monthly order by month"
        ).fetchall()
        ndr_12 = connection.execute(
            "select month, ndr from marts.retention_rolling_monthly where lookback_months = 12 order by month"
        ).fetchall()
        gdr_3 = connection.execute(
            "select month, gdr from marts.retention_rolling_monthly where lookback_months = 3 order by month"
        ).fetchall()
    assert set(by_month) == {month for month, _, _ in mrr}
    for month, total, adjusted in mrr:
        assert cents(by_month[month]["mrr"]) == total, month
        assert cents(by_month[month]["adjusted_mrr"]) == adjusted, month
    for month, new, churned, total, churn_rate in lifecycle:
        assert cents(by_month[month]["new_mrr"]) == new, month
        assert cents(by_month[month]["churned_mrr"]) == churned, month
        assert cents(by_month[month]["lifecycle_mrr"]) == total, month
        if churn_rate is not None:
            assert float(by_month[month]["churn_rate_pct"]) == pytest.approx(churn_rate, rel=1e-9), month
    for month, ndr in ndr_12:
        assert float(by_month[month]["ndr_12m"]) == pytest.approx(ndr, rel=1e-9), month
    for month, gdr in gdr_3:
        assert float(by_month[month]["gdr_3m"]) == pytest.approx(gdr, rel=1e-9), month


def test_mf_query_returns_quota_attainment_by_rep(semantic):
    metrics = ["tam_attainment", "tam_attainment_pct", "tam_commissionable_attainment", "tam_held_back_attainment"]
    rows = query(semantic, "quota", metrics, ["metric_time__quarter", "sales_rep"])
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        published = {
            (quarter_start, owner): values
            for quarter_start, owner, *values in connection.execute(
                "select quarter_start_month, owner_id, attainment_usd, attainment_pct, commissionable_attainment_usd, "
                "held_back_attainment_usd from marts.tam_quota_attainment_quarterly"
            ).fetchall()
        }
    found = {(date.fromisoformat(row["metric_time__quarter"][:10]), row["sales_rep"]): row for row in rows}
    assert set(found) == set(published)
    for key, (attainment, attainment_pct, commissionable, held_back) in published.items():
        row = found[key]
        if attainment is None:  # the first quarter of the data has no attainment
            assert row["tam_attainment"] == "" and row["tam_commissionable_attainment"] == "", key
            continue
        assert cents(row["tam_attainment"]) == attainment, key
        assert cents(row["tam_commissionable_attainment"]) == commissionable, key
        assert cents(row["tam_held_back_attainment"]) == held_back, key
        if attainment_pct is not None:
            assert float(row["tam_attainment_pct"]) == pytest.approx(attainment_pct, rel=1e-9), key


PERIOD_METRICS = [
    "mrr",
    "adjusted_mrr",
    "adjusted_arr",
    "paying_customers",
    "lifecycle_mrr",
    "active_customers",
    "baseline_mrr",
    "baseline_customers",
    "new_mrr",
    "expansion_mrr",
    "churned_mrr",
    "churn_rate_pct",
    "expansion_rate_pct",
    "ndr_12m",
    "gdr_12m",
    "ndr_3m",
]


@pytest.mark.parametrize("grain", ["quarter", "year"])
def test_mf_query_above_the_month_returns_the_period_end_rows(semantic, grain):
    rows = query(semantic, grain, PERIOD_METRICS, [f"metric_time__{grain}"])
    found = {date.fromisoformat(row[f"metric_time__{grain}"][:10]): row for row in rows}
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        mrr = connection.execute(
            "select month, sum(mrr_usd), sum(adjusted_mrr_usd), sum(adjusted_arr_usd), count(case when mrr_usd > 0 "
            "then 1 end) from marts.mrr_monthly group by month order by month"
        ).fetchall()
        lifecycle = connection.execute(
            "select month, total_mrr_usd, active_customers, baseline_mrr_usd, baseline_customers, new_mrr_usd, "
            "expansion_mrr_usd, churned_mrr_usd from marts.lifecycle_components_monthly order by month"
        ).fetchall()
        rolling = {
            lookback: connection.execute(
                "select month, ndr, gdr from marts.retention_rolling_monthly where lookback_months = ? order by month",
                [lookback],
            ).fetchall()
            for lookback in (3, 12)
        }
    assert set(found) == set(by_period(mrr, grain))
    checked = 0
    for period, months in by_period(mrr, grain).items():
        row = found[period]
        _, total, adjusted, adjusted_arr, paying = months[-1]  # the period's last month
        assert cents(row["mrr"]) == total, period
        assert cents(row["adjusted_mrr"]) == adjusted, period
        assert cents(row["adjusted_arr"]) == adjusted_arr == adjusted * 12, period
        assert int(row["paying_customers"]) == paying, period
    for period, months in by_period(lifecycle, grain).items():
        row = found[period]
        last, first = months[-1], months[0]
        assert money(row["lifecycle_mrr"]) == last[1], period
        assert int(row["active_customers"] or 0) == last[2], period
        assert money(row["baseline_mrr"]) == first[3], period  # the opening: the first month's previous total
        assert int(row["baseline_customers"] or 0) == first[4], period
        new, expansion, churned = (sum(month[column] for month in months) for column in (5, 6, 7))
        assert money(row["new_mrr"]) == new, period
        assert money(row["expansion_mrr"]) == expansion, period
        assert money(row["churned_mrr"]) == churned, period
        if first[3]:
            assert float(row["churn_rate_pct"]) == pytest.approx(float(churned * 100 / first[3]), rel=1e-9), period
            assert float(row["expansion_rate_pct"]) == pytest.approx(float(expansion * 100 / first[3]), rel=1e-9)
            checked += 1
        else:
            assert row["churn_rate_pct"] == "", period
    assert checked >= (3 if grain == "year" else 10)
    for lookback, column in ((12, "ndr_12m"), (12, "gdr_12m"), (3, "ndr_3m")):
        ratio = 1 if column.startswith("ndr") else 2
        for period, months in by_period(rolling[lookback], grain).items():
            expected = months[-1][ratio]  # the period's last month's ratio, not an average or a sum's
            if expected is None:
                assert found[period][column] == "", (column, period)
            else:
                assert float(found[period][column]) == pytest.approx(expected, rel=1e-9), (column, period)


def test_mf_query_groups_by_customer_dimensions_like_the_slice_tables(semantic):
    # Region never changes for a customer, so customer__region (the dimension's current value) and the slice
    # tables' region (at the base month) must give the same numbers.
    rows = query(
        semantic,
        "by_region",
        ["adjusted_mrr", "churned_mrr", "ndr_12m"],
        ["metric_time__quarter", "customer__region"],
    )
    found = {(date.fromisoformat(row["metric_time__quarter"][:10]), row["customer__region"]): row for row in rows}
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        mrr = connection.execute(
            "select month, region, sum(adjusted_mrr_usd) from marts.mrr_monthly "
            "join marts.customers using (organization_id) group by all order by month"
        ).fetchall()
        churned = connection.execute(
            "select month, region, sum(churned_mrr_usd) from marts.lifecycle_components_segment_monthly "
            "group by all order by month"
        ).fetchall()
        rolling = connection.execute(
            "select month, region, sum(base_mrr_usd), sum(current_mrr_usd) from marts.retention_rolling_segment_monthly "
            "where lookback_months = 12 group by all order by month"
        ).fetchall()
    regions = {region for _, region, _ in mrr}
    assert regions == {"US", "EU"}
    for region in regions:
        for period, months in by_period([row for row in mrr if row[1] == region], "quarter").items():
            assert cents(found[period, region]["adjusted_mrr"]) == months[-1][2], (period, region)
        for period, months in by_period([row for row in churned if row[1] == region], "quarter").items():
            assert money(found[period, region]["churned_mrr"]) == sum(month[2] for month in months), (period, region)
        region_rolling = by_period([row for row in rolling if row[1] == region], "quarter")
        assert len(region_rolling) >= 8
        for period, months in region_rolling.items():
            _, _, base, current = months[-1]
            assert float(found[period, region]["ndr_12m"]) == pytest.approx(float(current / base), rel=1e-9)


def test_mf_query_groups_by_product_and_owner(semantic):
    rows = query(semantic, "by_product", ["product_mrr"], ["metric_time__month", "product__product_name"])
    found = {(row["metric_time__month"][:10], row["product__product_name"]): cents(row["product_mrr"]) for row in rows}
    owners = query(semantic, "by_owner", ["mrr"], ["metric_time__year", "customer__owner", "customer__segment"])
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        published = {
            (str(month), name): total
            for month, name, total in connection.execute(
                "select month, product_name, sum(mrr_usd) from marts.mrr_product_monthly "
                "join marts.products using (product_key) group by all"
            ).fetchall()
        }
        (reporting_month,) = connection.execute("select max(month) from marts.mrr_monthly").fetchone()
        by_owner = {
            (owner or "", segment): total
            for owner, segment, total in connection.execute(
                "select current_owner_id, current_account_segment, sum(mrr_usd) from marts.mrr_monthly "
                "join marts.customers using (organization_id) where month = ? group by all",
                [reporting_month],
            ).fetchall()
        }
    assert found == published
    newest_year = {
        (row["customer__owner"], row["customer__segment"]): cents(row["mrr"])
        for row in owners
        if row["metric_time__year"][:4] == str(reporting_month.year)
    }
    assert newest_year == by_owner
    assert len(by_owner) > 5 and ("", "Unassigned") in by_owner


def test_mf_query_returns_credit_runway_and_onboarding_retention(semantic):
    runway = query(
        semantic,
        "runway",
        [
            "contract_credits_used",
            "contract_credits_remaining",
            "early_renewal_contracts",
            "upcoming_renewal_contracts",
        ],
        ["metric_time__month"],
    )
    onboarding = query(semantic, "onboarding", ["onboarding_logo_retention"], ["metric_time__quarter"])
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        expected_runway = connection.execute(
            "select month, sum(credits_used_usd), sum(credits_remaining_usd),"
            " count(case when is_early_renewal then 1 end), count(case when is_upcoming_renewal then 1 end)"
            " from marts.contract_credit_runway_monthly group by month order by month"
        ).fetchall()
        expected_onboarding = connection.execute(
            "select cohort_month, retained_customers, onboarding_customers"
            " from marts.onboarding_retention_cohorts where is_complete order by cohort_month"
        ).fetchall()
    by_month = {date.fromisoformat(row["metric_time__month"][:10]): row for row in runway}
    assert set(by_month) == {row[0] for row in expected_runway}
    for month, used, remaining, early, upcoming in expected_runway:
        assert money(by_month[month]["contract_credits_used"]) == used, month
        assert money(by_month[month]["contract_credits_remaining"]) == remaining, month
        assert int(by_month[month]["early_renewal_contracts"] or 0) == early, month
        assert int(by_month[month]["upcoming_renewal_contracts"] or 0) == upcoming, month
    by_quarter = {date.fromisoformat(row["metric_time__quarter"][:10]): row for row in onboarding}
    for quarter, rows in by_period(expected_onboarding, "quarter").items():
        retained = sum(row[1] for row in rows)
        customers = sum(row[2] for row in rows)
        assert float(by_quarter[quarter]["onboarding_logo_retention"]) == pytest.approx(retained / customers), quarter


def test_mf_query_returns_tam_books_and_allocation_checks(semantic):
    books = query(
        semantic,
        "books",
        ["tam_book_accounts_at_start", "tam_book_arr_at_start", "tam_book_accounts_to_remove"],
        ["metric_time__quarter", "sales_rep"],
    )
    checks = query(
        semantic, "allocation", ["accounts_missing_owner", "accounts_owner_role_mismatch"], ["metric_time__month"]
    )
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        expected_books = connection.execute(
            "select quarter_start_month, owner_id, accounts_at_start, book_arr_at_start_usd, accounts_to_remove"
            " from marts.tam_book_allocation_quarterly order by quarter_start_month, owner_id"
        ).fetchall()
        missing, mismatched = connection.execute(
            "select count(case when is_missing_owner then 1 end), count(case when is_owner_role_mismatch then 1 end)"
            " from marts.account_allocation"
        ).fetchone()
    by_key = {(date.fromisoformat(row["metric_time__quarter"][:10]), row["sales_rep"]): row for row in books}
    assert set(by_key) == {(row[0], row[1]) for row in expected_books}
    for quarter, owner, accounts, arr, to_remove in expected_books:
        row = by_key[(quarter, owner)]
        assert int(row["tam_book_accounts_at_start"]) == accounts, (quarter, owner)
        assert money(row["tam_book_arr_at_start"]) == arr, (quarter, owner)
        assert int(row["tam_book_accounts_to_remove"]) == to_remove, (quarter, owner)
    assert len(checks) == 1
    assert int(checks[0]["accounts_missing_owner"]) == missing
    assert int(checks[0]["accounts_owner_role_mismatch"]) == mismatched
    assert missing > 0 and mismatched > 0  # the demo exercises both checks


def test_mf_query_returns_cross_sell_measures(semantic):
    rows = query(
        semantic,
        "cross_sell",
        ["cross_sell_opportunities_created", "cross_sell_win_rate", "average_products_adopted"],
        ["metric_time__quarter"],
    )
    by_quarter = {date.fromisoformat(row["metric_time__quarter"][:10]): row for row in rows}
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        opportunities = connection.execute(
            "select quarter_start_month, sum(opportunities_created), sum(opportunities_won),"
            " sum(opportunities_won + opportunities_lost)"
            " from marts.cross_sell_opportunities_quarterly group by quarter_start_month order by quarter_start_month"
        ).fetchall()
        adoption = connection.execute(
            "select quarter_start_month, average_products_paid from marts.products_adopted_quarterly"
        ).fetchall()
    for quarter, created, won, closed in opportunities:
        assert int(by_quarter[quarter]["cross_sell_opportunities_created"] or 0) == created, quarter
        if closed:
            assert float(by_quarter[quarter]["cross_sell_win_rate"]) == pytest.approx(won / closed), quarter
    for quarter, average in adoption:
        assert float(by_quarter[quarter]["average_products_adopted"]) == pytest.approx(average), quarter
    assert any(closed for _, _, _, closed in opportunities)  # the demo closes cross-sells


def test_mf_query_returns_the_forecast_and_its_backtest(semantic):
    forecast = query(semantic, "forecast", ["forecast_mrr"], ["metric_time__month"])
    backtest = query(semantic, "backtest", ["backtest_wape"], ["backtest_period__horizon_months"])
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        expected_forecast = connection.execute(
            "select forecast_month, forecast_mrr_usd from marts.mrr_forecast_totals_monthly order by forecast_month"
        ).fetchall()
        expected_backtest = dict(
            connection.execute(
                "select horizon_months, sum(absolute_error_usd) / sum(actual_mrr_usd)"
                " from marts.mrr_forecast_backtest group by horizon_months"
            ).fetchall()
        )
    assert [(date.fromisoformat(row["metric_time__month"][:10]), cents(row["forecast_mrr"])) for row in forecast] == [
        (month, total) for month, total in expected_forecast
    ]
    assert len(expected_forecast) == 2
    assert {int(row["backtest_period__horizon_months"]) for row in backtest} == set(expected_backtest) == {1, 2}
    for row in backtest:
        horizon = int(row["backtest_period__horizon_months"])
        assert float(row["backtest_wape"]) == pytest.approx(float(expected_backtest[horizon])), horizon
