"""The demo company looks like a company: customers arrive month by month, and its churn and retention
sit within what SaaS benchmarks publish (the README's "The demo company" names the sources and the
figures aimed at). Each bound is read from the published demo build."""

from __future__ import annotations

import duckdb
import pytest

# No month brings more than this share of every customer the company ever had (a launch month of
# hundreds of customers at once is what a generator, not a company, produces).
MAX_NEW_SHARE_OF_ALL_CUSTOMERS = 0.08
# Monthly logo churn (churned customers over the previous month's customers), months with at least
# MIN_BASE_CUSTOMERS: SMB SaaS loses a few percent of its customers a month, enterprise well under one.
MIN_BASE_CUSTOMERS = 30
MEDIAN_MONTHLY_LOGO_CHURN = (0.01, 0.05)
MAX_MONTHLY_LOGO_CHURN = 0.12
# Net dollar retention: the newest 12-month rolling NDR and the 12-month NDR of all cohorts together,
# around the 100-120 % that public SaaS reports; GDR at most 100 % and not a collapse.
ROLLING_NDR_12 = (0.9, 1.3)
ROLLING_GDR_12 = (0.75, 1.0)
COHORTS_NDR_12 = (0.9, 1.3)
# One cohort of at least MIN_COHORT_SIZE customers: wide, because a few customers make a cohort, but
# never thousands of percent.
MIN_COHORT_SIZE = 5
COHORT_NDR_12 = (0.25, 2.0)


@pytest.fixture(scope="module")
def marts(published):
    with duckdb.connect(str(published), read_only=True) as connection:
        yield connection


def one(connection, sql: str):
    return connection.execute(sql).fetchall()[0]


def test_customers_arrive_month_by_month_from_the_first_month(marts):
    customers, busiest, months_with_new, months = one(
        marts,
        """
        select
            (select count(distinct organization_id) from marts.customer_lifecycle_monthly),
            max(new_customers),
            count(case when new_customers > 0 then 1 end),
            count(*)
        from marts.lifecycle_components_monthly
        """,
    )
    assert busiest <= MAX_NEW_SHARE_OF_ALL_CUSTOMERS * customers, (busiest, customers)
    assert months_with_new >= months - 2  # someone new nearly every month
    (first_month_customers,) = one(
        marts,
        "select active_customers from marts.lifecycle_components_monthly order by month limit 1",
    )
    assert 0 < first_month_customers <= MAX_NEW_SHARE_OF_ALL_CUSTOMERS * customers


def test_monthly_logo_churn_is_that_of_a_saas_company(marts):
    median, highest = one(
        marts,
        f"""
        select median(churned_customers / baseline_customers), max(churned_customers / baseline_customers)
        from marts.lifecycle_components_monthly
        where baseline_customers >= {MIN_BASE_CUSTOMERS}
        """,
    )
    low, high = MEDIAN_MONTHLY_LOGO_CHURN
    assert low <= median <= high, median
    assert highest <= MAX_MONTHLY_LOGO_CHURN, highest


def test_net_and_gross_dollar_retention_are_within_published_ranges(marts):
    ndr, gdr, base = one(
        marts,
        """
        select ndr, gdr, base_customers from marts.retention_rolling_monthly
        where lookback_months = 12 order by month desc limit 1
        """,
    )
    assert base >= MIN_BASE_CUSTOMERS
    assert ROLLING_NDR_12[0] <= ndr <= ROLLING_NDR_12[1], ndr
    assert ROLLING_GDR_12[0] <= gdr <= ROLLING_GDR_12[1], gdr
    (all_cohorts,) = one(
        marts,
        "select sum(mrr_usd) / sum(starting_mrr_usd) from marts.retention_cohorts where months_since_start = 12",
    )
    assert COHORTS_NDR_12[0] <= all_cohorts <= COHORTS_NDR_12[1], all_cohorts


def test_no_cohort_of_a_few_customers_shows_an_implausible_ndr(marts):
    cohorts = marts.execute(
        f"""
        select cohort_month, ndr from marts.retention_cohorts
        where months_since_start = 12 and cohort_size >= {MIN_COHORT_SIZE}
        """
    ).fetchall()
    assert len(cohorts) >= 12
    outside = [(month, ndr) for month, ndr in cohorts if not COHORT_NDR_12[0] <= ndr <= COHORT_NDR_12[1]]
    assert outside == []


def test_the_company_grows(marts):
    mrr_now, mrr_a_year_ago = one(
        marts,
        """
        select
            (select adjusted_mrr_usd from marts.mrr_totals_monthly order by month desc limit 1),
            (select adjusted_mrr_usd from marts.mrr_totals_monthly order by month desc limit 1 offset 12)
        """,
    )
    assert 1.0 < mrr_now / mrr_a_year_ago < 3.0  # growing, and no faster than tripling in a year
