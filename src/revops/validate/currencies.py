"""Currencies: every amount in a currency other than USD needs a rate in fx_rates for the month it
is billed in (the month of the invoice's period start; USD needs none). One sentence per currency
and month without a rate, naming both and the file, with a few of the invoices that need it. Only
well-formed codes are looked up (a malformed one has a sentence of its own), so every value written
into the SQL below is three lower-case letters or a date."""

from __future__ import annotations

import duckdb

from revops.validate.inputs import Input
from revops.validate.rules import BASE_CURRENCY, MAX_EXAMPLES
from revops.validate.sentences import sql_rule

# The invoices table and its period start column, by billing source.
_INVOICES = {
    "billing": ("invoices", "revops_date(period_start)"),
    "stripe": ("invoice", "revops_timestamp(period_start)"),
}


def missing_rate_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], billing_source: str = "billing"
) -> list[str]:
    """A sentence per (currency, month) that invoices bill in and fx_rates has no rate for."""
    table, period_start = _INVOICES[billing_source]
    invoices = loaded.get(table)
    if invoices is None or not invoices.has("currency", "period_start"):
        return []
    rates = loaded.get("fx_rates")
    has_rates = rates is not None and rates.has("currency", "month")
    rated = (
        f"select distinct lower(trim(currency)) as currency, date_trunc('month', revops_date(month)) as month "
        f"from {rates.sql_name} where currency is not null and revops_date(month) is not null"
        if has_rates
        else "select cast(null as varchar) as currency, cast(null as date) as month where false"
    )
    billed = f"""
        select rowid, lower(trim(currency)) as currency, cast(date_trunc('month', {period_start}) as date) as month
        from {invoices.sql_name}
        where regexp_full_match(lower(trim(currency)), '[a-z]{{3}}') and lower(trim(currency)) <> '{BASE_CURRENCY}'
            and {period_start} is not null
    """
    missing = connection.execute(
        f"""
        select billed.currency, billed.month
        from ({billed}) as billed
        left join ({rated}) as rated on rated.currency = billed.currency and rated.month = billed.month
        where rated.currency is null
        group by billed.currency, billed.month
        order by billed.month, billed.currency
        """
    ).fetchall()
    rates_file = rates.file if has_rates else "fx_rates (the file is not given)"
    problems: list[str] = []
    for currency, month in missing[:MAX_EXAMPLES]:
        problems += sql_rule(
            connection,
            invoices,
            "currency",
            f"currency {currency} in {month:%Y-%m} (the month of period_start), which has no rate in {rates_file}; "
            f"add a row with currency {currency}, month {month:%Y-%m-%d} and its usd_per_unit",
            f"select rowid from ({billed}) where currency = '{currency}' and month = date '{month:%Y-%m-%d}'",
            show=("currency", "period_start"),
        )
    if len(missing) > MAX_EXAMPLES:
        rest = missing[MAX_EXAMPLES:]
        listed = ", ".join(f"{currency} {month:%Y-%m}" for currency, month in rest[:10])
        more = f" and {len(rest) - 10:,} more" if len(rest) > 10 else ""
        problems.append(
            f"{invoices.file}, column currency: {len(rest):,} more currencies and months have no rate in {rates_file}: "
            f"{listed}{more}."
        )
    return problems
