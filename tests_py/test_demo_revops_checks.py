"""The demo company exercises the handbook's RevOps checks: each published table of renewals, onboarding,
allocation, cross-sell and the forecast has rows on both sides of its flags in the published demo build, so
the report and the docs show them at work (a check that never fires on the demo would go unnoticed)."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def marts(published):
    with duckdb.connect(str(published), read_only=True) as connection:
        yield connection


def one(connection, sql: str):
    return connection.execute(sql).fetchall()[0]


def test_contracts_run_out_early_and_come_up_for_renewal(marts):
    ran_out_early, projected_early, on_time, upcoming = one(
        marts,
        """
        select
            count(distinct case when credits_remaining_usd = 0 and months_left_after_month > 0 then contract_id end),
            count(distinct case when is_early_renewal and credits_remaining_usd > 0 then contract_id end),
            count(distinct case when not is_early_renewal then contract_id end),
            count(distinct case when is_upcoming_renewal then contract_id end)
        from marts.contract_credit_runway_monthly
        """,
    )
    assert ran_out_early > 0 and projected_early > 0 and on_time > 0 and upcoming > 0


def test_onboarding_customers_with_500_plus_first_bills_in_complete_and_open_cohorts(marts):
    customers, complete, incomplete = one(
        marts,
        """
        select sum(onboarding_customers), count(case when is_complete then 1 end),
            count(case when not is_complete then 1 end)
        from marts.onboarding_retention_cohorts
        """,
    )
    assert customers >= 20 and complete > 0 and incomplete > 0


def test_allocation_finds_missing_owners_mismatched_roles_and_accounts_to_remove(marts):
    missing, mismatched, csm_accounts, tam_accounts = one(
        marts,
        """
        select count(case when is_missing_owner then 1 end), count(case when is_owner_role_mismatch then 1 end),
            count(case when expected_owner_role = 'CSM' then 1 end), count(case when expected_owner_role = 'TAM' then 1 end)
        from marts.account_allocation
        """,
    )
    assert missing > 0 and mismatched > 0 and csm_accounts > 0 and tam_accounts > 0
    to_remove, above_max = one(
        marts,
        "select sum(accounts_to_remove), count(case when is_above_max_at_start then 1 end)"
        " from marts.tam_book_allocation_quarterly",
    )
    assert to_remove > 0 and above_max > 0


def test_cross_sell_opportunities_are_won_and_lost(marts):
    created, won, lost = one(
        marts,
        "select sum(opportunities_created), sum(opportunities_won), sum(opportunities_lost)"
        " from marts.cross_sell_opportunities_quarterly",
    )
    assert created > 0 and won > 0 and lost > 0
    (multi_product_groups,) = one(
        marts, "select count(distinct products_paid_previous_month) from marts.churn_by_product_count_monthly"
    )
    assert multi_product_groups >= 3


def test_the_forecast_uses_every_method_and_is_backtested_at_each_horizon(marts):
    (methods,) = one(marts, "select count(distinct forecast_method) from marts.mrr_forecast_monthly")
    assert methods == 3
    (horizons,) = one(marts, "select count(distinct horizon_months) from marts.mrr_forecast_backtest")
    assert horizons == 2
