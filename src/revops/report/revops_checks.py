"""The report's RevOps-check sections: renewals and credit runway, onboarding retention, account allocation,
cross-sell and the forecast. Self-contained: its own queries (`sql/*.sql`, which only select, order and
limit published tables) and its own sections, appended after the core ones."""

from __future__ import annotations

from revops.report import queries
from revops.report.charts import BLUE, GAIN, LOSS, ORANGE, bar_chart, both_widths
from revops.report.formats import NONE, compact_usd, fraction_pct, month_label, number, short_month, usd
from revops.report.page import section, table

COHORT_ROWS = 12  # onboarding cohorts shown, newest first
ADOPTION_QUARTERS = 8  # quarters of products adopted shown
BACKTEST_ROWS = 12  # backtest rows shown (origin month and horizon), newest first

# The published tables these sections read; a file without them (an older publish) shows none of them.
TABLES = (
    "contract_credit_runway_monthly",
    "onboarding_retention_cohorts",
    "account_allocation",
    "tam_book_allocation_quarterly",
    "products_adopted_quarterly",
    "cross_sell_opportunities_quarterly",
    "mrr_forecast_totals_monthly",
    "mrr_forecast_backtest",
)


def read(connection, reporting_month) -> dict | None:
    """Every row the sections show, or None when the file lacks their tables."""
    present = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    if not set(TABLES) <= present:
        return None
    return {
        "runway": queries.rows(connection, "credit_runway", month=reporting_month),
        "cohorts": queries.rows(connection, "onboarding_cohorts", rows=COHORT_ROWS),
        "flags": queries.rows(connection, "allocation_flags"),
        "books": queries.rows(connection, "tam_books"),
        "adoption": queries.rows(connection, "products_adopted", rows=ADOPTION_QUARTERS),
        "opportunities": queries.rows(connection, "cross_sell_opportunities"),
        "forecast": queries.rows(connection, "forecast_totals"),
        "backtest": queries.rows(connection, "forecast_backtest", rows=BACKTEST_ROWS),
        "reporting_month": reporting_month,
    }


def sections(read_rows: dict | None, summary) -> list[str]:
    if read_rows is None:
        return []
    return [
        renewals_section(read_rows["runway"], read_rows["reporting_month"], summary),
        onboarding_section(read_rows["cohorts"], summary),
        allocation_section(read_rows["books"], read_rows["flags"], summary),
        cross_sell_section(read_rows["adoption"], read_rows["opportunities"], summary),
        forecast_section(read_rows["forecast"], read_rows["backtest"], summary),
    ]


def yes(flag) -> str:
    return "yes" if flag else ""


def renewals_section(runway: list[dict], reporting_month, summary) -> str:
    items = [
        (row["contract_id"], number(row["credits_remaining_usd"]), LOSS if row["is_early_renewal"] else BLUE)
        for row in runway
    ]
    chart, marks = both_widths(bar_chart, items=items, value_format=compact_usd, label="Credits remaining per contract")
    summary.charts["renewals"] = marks
    rows = [
        (
            row["contract_id"],
            (row["company_name"] or NONE, row["organization_id"]),
            usd(row["credits_bought_usd"]),
            usd(row["credits_remaining_usd"]),
            usd(row["average_burn_3m_usd"]),
            NONE if row["runway_months"] is None else f"{float(row['runway_months']):.1f}",
            NONE if row["projected_run_out_month"] is None else month_label(row["projected_run_out_month"]),
            month_label(row["contract_end_date"]),
            yes(row["is_early_renewal"]),
            yes(row["is_upcoming_renewal"]),
        )
        for row in runway
    ]
    headers = ["Contract", "Customer", "Bought", "Remaining", "Burn (3 mo.)", "Runway (mo.)", "Runs out", "Ends"]
    numbers = table([*headers, "Early renewal", "Upcoming renewal"], rows, numeric_from=2, text_from=8)
    month_text = month_label(reporting_month) if reporting_month else "the last month"
    return section(
        "renewals",
        f"Renewals and credit runway, {month_text}",
        "Each credit contract's credits remaining, the average used over the last three months and the month they"
        " run out at that pace; red bars run out before the contract ends (an early renewal). Upcoming renewal:"
        " two months or less before the end.",
        chart,
        "renewals",
        marks,
        numbers,
        wide=True,
    )


def onboarding_section(cohorts: list[dict], summary) -> str:
    oldest_first = list(reversed(cohorts))
    goal = number(cohorts[0]["logo_retention_goal"]) if cohorts else None
    items = [
        (
            short_month(row["cohort_month"]),
            number(row["logo_retention"]) * 100,
            GAIN if row["meets_goal"] else (ORANGE if row["meets_goal"] is None else LOSS),
        )
        for row in oldest_first
    ]
    reference = None if goal is None else (goal * 100, "goal")
    chart, marks = both_widths(
        bar_chart,
        items=items,
        value_format=lambda value: f"{value:.0f} %",
        label="Onboarding logo retention",
        reference=reference,
    )
    summary.charts["onboarding"] = marks
    rows = [
        (
            month_label(row["cohort_month"]),
            f"{row['onboarding_customers']:,}",
            f"{row['retained_customers']:,}",
            f"{row['lost_customers']:,}",
            usd(row["first_bill_mrr_usd"]),
            f"{row['months_observed']} of 3",
            fraction_pct(row["logo_retention"]),
            NONE if row["meets_goal"] is None else yes(row["meets_goal"]) or "no",
        )
        for row in cohorts
    ]
    headers = ["Cohort", "Customers", "Retained", "Lost", "First bills", "Months seen", "Retention", "Meets goal"]
    return section(
        "onboarding",
        "Onboarding retention",
        "Customers whose first bill was $500+ of MRR, and the share still paying through their first three months,"
        " by cohort month, against the onboarding team's goal; orange cohorts are not through three months yet.",
        chart,
        "onboarding",
        marks,
        table(headers, rows),
        wide=True,
    )


def allocation_section(books: list[dict], flags: list[dict], summary) -> str:
    target = number(books[0]["target_book_arr_usd"]) if books else None
    items = [
        (row["owner_id"], number(row["book_arr_at_start_usd"]), GAIN if row["is_within_target_size"] else BLUE)
        for row in books
    ]
    reference = None if target is None else (target, "target")
    chart, marks = both_widths(
        bar_chart, items=items, value_format=compact_usd, label="TAM book ARR at quarter start", reference=reference
    )
    summary.charts["allocation"] = marks
    book_rows = [
        (
            f"{row['owner_id']} {row['quarter']}",
            f"{row['accounts_at_start']}",
            f"{row['accounts_added_during_quarter']}",
            usd(row["book_arr_at_start_usd"]),
            yes(row["is_lead_generation_paused"]),
            f"{row['accounts_to_remove']}",
            row["accounts_to_remove_ids"] or "",
        )
        for row in books
    ]
    flag_rows = [
        (
            (row["company_name"] or NONE, row["organization_id"]),
            usd(row["arr_usd"]),
            row["owner_id"] or NONE,
            row["owner_role"] or NONE,
            row["expected_owner_role"],
            row["primary_products_paid_keys"] or "",
        )
        for row in flags
    ]
    numbers = table(
        ["TAM", "Accounts", "Added", "Book ARR", "Leads paused", "To remove", "Accounts to remove"],
        book_rows,
        text_from=6,
        caption="TAM books at the quarter's start",
    ) + table(
        ["Customer", "ARR", "Owner", "Owner role", "Expected role", "Primary products paid"],
        flag_rows,
        text_from=5,
        caption="$20k+ accounts without an owner or with another role than expected",
    )
    return section(
        "allocation",
        "Account allocation",
        "Each TAM's book at the start of the latest quarter against the targets (10-15 accounts, about $1.5M of"
        " ARR; green: within the size target) with the accounts to remove, and the $20k+ accounts to allocate.",
        chart,
        "allocation",
        marks,
        numbers,
        wide=True,
    )


def cross_sell_section(adoption: list[dict], opportunities: list[dict], summary) -> str:
    oldest_first = list(reversed(adoption))
    items = [
        (short_month(row["quarter_start_month"]), number(row["average_products_paid"]), BLUE) for row in oldest_first
    ]
    chart, marks = both_widths(
        bar_chart, items=items, value_format=lambda value: f"{value:.2f}", label="Average products adopted"
    )
    summary.charts["cross_sell"] = marks
    adoption_rows = [
        (
            month_label(row["quarter_start_month"]),
            f"{row['paying_customers']:,}",
            f"{number(row['average_products_paid']):.2f}",
            NONE
            if row["average_products_paid_change"] is None
            else f"{number(row['average_products_paid_change']):+.2f}",
        )
        for row in adoption
    ]
    opportunity_rows = [
        (
            f"{row['quarter']} {row['owner_id']} {row['product_key']}",
            f"{row['opportunities_created']}",
            f"{row['opportunities_won']}",
            f"{row['opportunities_lost']}",
            fraction_pct(row["win_rate"], 0),
            usd(row["average_deal_size_mrr_usd"]),
            NONE if row["average_cycle_days"] is None else f"{number(row['average_cycle_days']):.0f}",
            f"{row['won_with_revenue']}",
        )
        for row in opportunities
    ]
    numbers = table(
        ["Quarter", "Paying customers", "Average products", "Change"], adoption_rows, caption="Products adopted"
    ) + table(
        ["Quarter, TAM, product", "Created", "Won", "Lost", "Win rate", "Deal size", "Cycle (days)", "Paid in 90 days"],
        opportunity_rows,
        caption="Cross-sell opportunities",
    )
    return section(
        "cross-sell",
        "Cross-sell",
        "The average number of products ($100+ of MRR each) per paying customer at each quarter's end, and the"
        " TAMs' cross-sell opportunities: created, won and lost, win rate, deal size and cycle time.",
        chart,
        "cross_sell",
        marks,
        numbers,
        wide=True,
    )


def forecast_section(forecast: list[dict], backtest: list[dict], summary) -> str:
    items = []
    if forecast:
        items.append(
            (f"{short_month(forecast[0]['origin_month'])} actual", number(forecast[0]["origin_mrr_usd"]), BLUE)
        )
    items += [
        (f"{short_month(row['forecast_month'])} forecast", number(row["forecast_mrr_usd"]), ORANGE) for row in forecast
    ]
    chart, marks = both_widths(bar_chart, items=items, value_format=compact_usd, label="Forecast adjusted MRR")
    summary.charts["forecast"] = marks
    forecast_rows = [
        (
            month_label(row["forecast_month"]),
            f"{row['customers']:,}",
            usd(row["forecast_mrr_usd"]),
            usd(row["contract_flat_mrr_usd"]),
            usd(row["trend_mrr_usd"]),
            usd(row["flat_mrr_usd"]),
        )
        for row in forecast
    ]
    backtest_rows = [
        (
            f"{month_label(row['origin_month'])} + {row['horizon_months']}",
            usd(row["forecast_mrr_usd"]),
            usd(row["actual_mrr_usd"]),
            fraction_pct(row["error_share"]),
            fraction_pct(row["wape"]),
        )
        for row in backtest
    ]
    numbers = table(
        ["Month", "Customers", "Forecast", "Contracts (flat)", "Trend", "Flat"], forecast_rows, caption="Forecast"
    ) + table(["From, months ahead", "Forecast", "Actual", "Error", "WAPE"], backtest_rows, caption="Backtest")
    return section(
        "forecast",
        "Forecast",
        "The forward months' adjusted MRR of today's customers (contract customers held at their run rate, others"
        " on their three-month trend), kept apart from the actuals, and how far the same method was off before.",
        chart,
        "forecast",
        marks,
        numbers,
    )
