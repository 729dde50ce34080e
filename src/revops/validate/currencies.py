"""Currencies: every amount in a currency other than USD needs a rate in fx_rates for the month it
is billed in (the month of the invoice's period start; USD needs none), and a contract in such a
currency one for the month it starts. One sentence per currency and month without a rate, naming
both and the file, with a few of the rows that need it. Only well-formed codes are looked up (a
malformed one has a sentence of its own), so every value written into the SQL below is three
lower-case letters or a date.

A billing account bills in one currency (its credits carry none of their own and are taken in it),
and a contract is in the currency of its billing accounts' invoices (its price is matched with its
credit purchases, and its credits with what its usage account draws, in one currency): an input
breaking either is refused."""

from __future__ import annotations

import duckdb

from revops.validate.inputs import Input
from revops.validate.rules import BASE_CURRENCY, MAX_EXAMPLES
from revops.validate.sentences import sql_rule

# The invoices table, its period start column and its billing account column, by billing source.
_INVOICES = {
    "billing": ("invoices", "revops_date(period_start)", "billing_customer_id"),
    "stripe": ("invoice", "revops_timestamp(period_start)", "customer"),
}


def missing_rate_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], billing_source: str = "billing"
) -> list[str]:
    """A sentence per (currency, month) that invoices bill in and fx_rates has no rate for."""
    table, period_start, _ = _INVOICES[billing_source]
    invoices = loaded.get(table)
    if invoices is None or not invoices.has("currency", "period_start"):
        return []
    return _unrated_problems(connection, loaded, invoices, "period_start", period_start)


def contract_rate_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input]) -> list[str]:
    """A sentence per (currency, month) a contract starts in and fx_rates has no rate for: its credits
    and run rate are converted from it (a contract without the currency column is in USD)."""
    contracts = loaded.get("contracts")
    if contracts is None or not contracts.has("currency", "start_date"):
        return []
    return _unrated_problems(connection, loaded, contracts, "start_date", "revops_date(start_date)")


def _unrated_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], found: Input, date_column: str, date_sql: str
) -> list[str]:
    """A sentence per (currency, month of date_column) of `found` without a rate in fx_rates."""
    rates = loaded.get("fx_rates")
    has_rates = rates is not None and rates.has("currency", "month")
    rated = (
        f"select distinct lower(trim(currency)) as currency, date_trunc('month', revops_date(month)) as month "
        f"from {rates.sql_name} where currency is not null and revops_date(month) is not null"
        if has_rates
        else "select cast(null as varchar) as currency, cast(null as date) as month where false"
    )
    billed = f"""
        select rowid, lower(trim(currency)) as currency, cast(date_trunc('month', {date_sql}) as date) as month
        from {found.sql_name}
        where regexp_full_match(lower(trim(currency)), '[a-z]{{3}}') and lower(trim(currency)) <> '{BASE_CURRENCY}'
            and {date_sql} is not null
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
            found,
            "currency",
            f"currency {currency} in {month:%Y-%m} (the month of {date_column}), which has no rate in {rates_file}; "
            f"add a row with currency {currency}, month {month:%Y-%m-%d} and its usd_per_unit",
            f"select rowid from ({billed}) where currency = '{currency}' and month = date '{month:%Y-%m-%d}'",
            show=("currency", date_column),
        )
    if len(missing) > MAX_EXAMPLES:
        rest = missing[MAX_EXAMPLES:]
        listed = ", ".join(f"{currency} {month:%Y-%m}" for currency, month in rest[:10])
        more = f" and {len(rest) - 10:,} more" if len(rest) > 10 else ""
        problems.append(
            f"{found.file}, column currency: {len(rest):,} more currencies and months have no rate in {rates_file}: "
            f"{listed}{more}."
        )
    return problems


def account_currency_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], billing_source: str = "billing"
) -> list[str]:
    """The invoices of a billing account billed in more than one currency. Only well-formed codes are
    compared: a malformed one has a sentence of its own."""
    table, _, account = _INVOICES[billing_source]
    invoices = loaded.get(table)
    if invoices is None or not invoices.has("currency", account):
        return []
    return sql_rule(
        connection,
        invoices,
        "currency",
        f"a currency other than that of another invoice of the same {account} (a billing account bills in one "
        "currency: its credits carry none of their own and are taken in it)",
        f"""
        select rowid from {invoices.sql_name}
        where regexp_full_match(currency, '[a-z]{{3}}') and "{account}" in (
            select "{account}" from {invoices.sql_name}
            where regexp_full_match(currency, '[a-z]{{3}}')
            group by "{account}"
            having count(distinct currency) > 1
        )
        """,
        show=(account, "currency"),
    )


def contract_currency_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], billing_source: str = "billing"
) -> list[str]:
    """Contracts in a currency other than that of an invoice of their credits or usage account (codes
    compared as written, when both are well-formed)."""
    table, _, account = _INVOICES[billing_source]
    invoices, contracts = loaded.get(table), loaded.get("contracts")
    if not (invoices and contracts and invoices.has("currency", account)):
        return []
    accounts = [
        column for column in ("credits_billing_customer_id", "usage_billing_customer_id") if contracts.has(column)
    ]
    if not accounts:
        return []
    # A contracts file without the currency column is in USD.
    has_currency = contracts.has("currency")
    currency = "coalesce(contracts.currency, 'usd')" if has_currency else "'usd'"
    contract_accounts = " union all ".join(
        f'select rowid, "{column}" as account, {currency} as currency from {contracts.sql_name} as contracts'
        for column in accounts
    )
    billed_in = " or ".join(f'invoices."{account}" = contracts."{column}"' for column in accounts)
    return sql_rule(
        connection,
        contracts,
        "currency",
        "a currency other than that of the invoices of its credits or usage billing account (a contract's price "
        "is matched with its credit purchases, and its credits with what its usage account draws, in one "
        "currency)" + ("" if has_currency else "; the file has no currency column, so its contracts are in usd"),
        # One equality join per account column (an `or` of the two would be a nested-loop join of
        # every contract with every invoice: three minutes at a million customers).
        f"""
        with account_currencies as (
            select distinct "{account}" as account, currency from {invoices.sql_name}
            where regexp_full_match(currency, '[a-z]{{3}}')
        ),
        contract_accounts as (
            {contract_accounts}
        )
        select distinct contract_accounts.rowid from contract_accounts
        inner join account_currencies on contract_accounts.account = account_currencies.account
        where regexp_full_match(contract_accounts.currency, '[a-z]{{3}}')
            and account_currencies.currency <> contract_accounts.currency
        """,
        show=("contract_id", "currency") if has_currency else ("contract_id",),
        extra=(
            "invoices in",
            f"""(select string_agg(distinct invoices.currency, ', ' order by invoices.currency)
                from {invoices.sql_name} as invoices
                where ({billed_in.replace("contracts.", "shown.")})) as shown""",
        ),
    )
