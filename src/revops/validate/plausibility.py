"""Plausibility: dates in the future, a partial newest month, an as-of month the data can report, and
the warnings that do not stop a run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

from revops.validate.inputs import Input
from revops.validate.rules import (
    FUTURE_TOLERANCE_MONTHS,
    PARTIAL_MONTH_LOOKBACK,
    PARTIAL_MONTH_MIN_INVOICES,
    PARTIAL_MONTH_MIN_SHARE,
    SCHEDULED_DATE_COLUMNS,
    SHORT_CREDIT_PURCHASE_DAYS,
    Plausibility,
)
from revops.validate.sentences import article, join_words, sql_rule


def plausibility_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], plausibility: Plausibility, already_wrong: bool
) -> list[str]:
    """Dates in the future and a partial newest month, or, with --as-of, a month the data can report."""
    invoices = loaded.get("invoices")
    usable = invoices is not None and invoices.has("invoice_type", "status", "period_start")
    if plausibility.as_of is not None:
        return _as_of_problems(connection, invoices, plausibility) if usable else []
    problems = _future_date_problems(connection, loaded, plausibility.horizon)
    if usable and not problems and not already_wrong:
        problems += _newest_month_problems(connection, invoices, plausibility.recognised_statuses)
    return problems


def _future_date_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], horizon: date) -> list[str]:
    problems: list[str] = []
    for found in loaded.values():
        for column in found.table.columns:
            if (
                column.data_type not in ("date", "timestamp")
                or column.name not in found.present
                or (found.name, column.name) in SCHEDULED_DATE_COLUMNS
            ):
                continue
            problems += sql_rule(
                connection,
                found,
                column.name,
                f"{article(column.name)} later than {horizon} (today plus {FUTURE_TOLERANCE_MONTHS} month, UTC: "
                "a mistyped year? with --as-of, later months are ignored instead)",
                f"""select rowid from {found.sql_name}
                    where cast(revops_{column.data_type}("{column.name}") as date) > date '{horizon}'""",
                show=(column.name,),
            )
    return problems


def _usage_invoices_by_month(
    connection: duckdb.DuckDBPyConnection, invoices: Input, statuses: Sequence[str]
) -> list[tuple[date, int]]:
    """(month, usage invoices) for the months whose recognised usage invoices start in them, newest first."""
    return [
        (month, count)
        for month, count in connection.execute(
            f"""
            select cast(date_trunc('month', revops_date(period_start)) as date) as month, count(*)
            from {invoices.sql_name}
            where invoice_type = 'usage' and status in (select unnest(?)) and revops_date(period_start) is not null
            group by all
            order by month desc
            """,
            [list(statuses)],
        ).fetchall()
    ]


def _newest_month_problems(
    connection: duckdb.DuckDBPyConnection, invoices: Input, statuses: Sequence[str]
) -> list[str]:
    """The newest month is the reporting month: refused when it holds only a small share of the
    usage invoices of the months before it, a partial export or a mistyped period_start."""
    months = _usage_invoices_by_month(connection, invoices, statuses)
    where = f"{invoices.file}, column period_start"
    if not months:
        return [
            f"{where}: no usage invoice has the status {join_words(list(statuses), 'or')}, so there is no month to report "
            "(the newest month with a usage invoice is the reporting month); pass --as-of YYYY-MM to name it."
        ]
    (newest, count), before = months[0], months[1 : 1 + PARTIAL_MONTH_LOOKBACK]
    if not before:
        return []
    average = sum(number for _, number in before) / len(before)
    if average < PARTIAL_MONTH_MIN_INVOICES or count >= PARTIAL_MONTH_MIN_SHARE * average:
        return []
    shown = join_words([f"{number:,} in {month:%Y-%m}" for month, number in before])
    return [
        f"{where}: the newest month, {newest:%Y-%m}, has {count:,} usage invoice{'' if count == 1 else 's'}, "
        f"less than {PARTIAL_MONTH_MIN_SHARE * 100:.0f} % of the {average:,.0f} a month before it ({shown}): "
        f"is the export partial, or a period_start mistyped? Pass --as-of {before[0][0]:%Y-%m} to build "
        f"the last complete month (or --as-of {newest:%Y-%m} to build {newest:%Y-%m} as it is)."
    ]


def _as_of_problems(connection: duckdb.DuckDBPyConnection, invoices: Input, plausibility: Plausibility) -> list[str]:
    """The as-of month has started and some usage invoice starts on or before it."""
    as_of = plausibility.as_of
    if as_of > plausibility.today.replace(day=1):
        return [
            f"--as-of {as_of:%Y-%m} is after the current month ({plausibility.today:%Y-%m}, UTC): it has no data yet."
        ]
    months = [month for month, _ in _usage_invoices_by_month(connection, invoices, plausibility.recognised_statuses)]
    if months and months[-1] <= as_of:
        return []
    first = f"the first is in {months[-1]:%Y-%m}" if months else "there is none"
    return [
        f"{invoices.file}, column period_start: no usage invoice with the status "
        f"{join_words(list(plausibility.recognised_statuses), 'or')} starts on or before --as-of {as_of:%Y-%m} ({first}), "
        "so that month has nothing to report."
    ]


def short_credit_purchase_warnings(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input]) -> list[str]:
    """A credit purchase covering less than a month that matches no contract: probably a one-off top-up,
    which the warehouse spreads as recurring revenue. It matches a contract as the models match it
    (int_credit_purchases_assigned_to_periods): a contract buys its account's credits and has not ended
    (start_date + term_months) at the purchase's period_start, whether or not it has started."""
    invoices, contracts = loaded.get("invoices"), loaded.get("contracts")
    if not invoices or not invoices.has("invoice_type", "period_start", "period_end", "billing_customer_id"):
        return []
    matching = (
        f"""select 1 from {contracts.sql_name} as contracts
            where contracts.credits_billing_customer_id = invoices.billing_customer_id
                and revops_date(invoices.period_start)
                    < revops_date(contracts.start_date) + to_months(revops_integer(contracts.term_months))"""
        if contracts and contracts.has("credits_billing_customer_id", "start_date", "term_months")
        else "select 1 where false"
    )
    where = "contracts.csv" if contracts is None else contracts.file
    return sql_rule(
        connection,
        invoices,
        "period_end",
        f"a credit_purchase invoice covering less than a month (period_end - period_start under "
        f"{SHORT_CREDIT_PURCHASE_DAYS} days) that matches no contract in {where} (no contract buys that billing "
        f"customer's credits with a term running at period_start): a one-off top-up counts as recurring revenue "
        f"for its month",
        f"""select rowid from {invoices.sql_name} as invoices
            where invoice_type = 'credit_purchase'
                and date_diff('day', revops_date(period_start), revops_date(period_end)) < {SHORT_CREDIT_PURCHASE_DAYS}
                and not exists ({matching})""",
        show=("invoice_id", "period_start", "period_end"),
    )
