"""What an input holds, for `revops check`: a profile and the warnings a careful analyst would want
before a first build, read with DuckDB SQL from the snapshot the validator writes of what it checked.

No metric is computed here. The billing configuration counted is what the input declares of each
organization (a credit contract, a startup plan, positive invoices, or none); the warehouse decides
it month by month (docs/rules.md, rule 2.4), which a profile does not repeat.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from revops.validate.inputs import sql_path
from revops.validate.rules import RECOGNISED_STATUSES, Plausibility
from revops.validate.sentences import join_words

MAX_NAMED = 5  # examples named in a warning


@dataclass
class InputProfile:
    """What `revops check` prints: rows per table, the months covered and the counts by kind."""

    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # table -> the file it came from
    invoice_months: tuple[date, date, int] | None = None  # first, last, months with an invoice
    usage_months: tuple[date, date, int] | None = None
    configurations: list[tuple[str, int]] = field(default_factory=list)  # (configuration, organizations)
    currencies: list[tuple[str, int]] = field(default_factory=list)  # (currency, invoices)
    # (currency, first month, last month, months with a rate, months billed in it)
    fx_coverage: list[tuple[str, date, date, int, int]] = field(default_factory=list)
    products: list[tuple[str, int, int]] = field(default_factory=list)  # (product_key, lines, organizations)
    credit_reasons: list[tuple[str, str, int]] = field(default_factory=list)  # (file, reason, rows)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The profile as `revops check` prints it, one line per subject."""
        tables = ", ".join(
            f"{self.files.get(name, name)} {_count(rows, 'row')}" for name, rows in sorted(self.rows.items())
        )
        configurations = ", ".join(f"{name} {count:,}" for name, count in self.configurations) or "none"
        products = ", ".join(
            f"{key} {_count(lines, 'line')} ({_count(organizations, 'organization')})"
            for key, lines, organizations in self.products
        )
        reasons = "; ".join(
            f"{file}: "
            + ", ".join(f"{reason} {count:,}" for kind, reason, count in self.credit_reasons if kind == file)
            for file in dict.fromkeys(kind for kind, _reason, _count in self.credit_reasons)
        )
        return [
            f"Files: {tables}",
            f"Invoice months: {_months(self.invoice_months, 'invoices')}",
            f"Usage months: {_months(self.usage_months, 'usage')}",
            f"Organizations by billing configuration: {configurations} (as the input declares it; "
            "the build decides it month by month)",
            "Currencies (invoices): " + (", ".join(f"{name} {count:,}" for name, count in self.currencies) or "none"),
            "Exchange rates (fx_rates): "
            + (
                ", ".join(
                    f"{name} {first:%Y-%m} to {last:%Y-%m} ({_count(rated, 'month')} with a rate, "
                    f"{_count(billed, 'month')} billed in it)"
                    for name, first, last, rated, billed in self.fx_coverage
                )
                or "none (every amount in usd)"
            ),
            f"Products: {products or 'none'}",
            f"Credit reasons: {reasons or 'none'}",
        ]


def check(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    *,
    plausibility: Plausibility | None = None,
    warn: Callable[[str], None] | None = None,
) -> InputProfile:
    """Validate `data_dir` as `revops run` does (raising the same `InputError`), then profile it."""
    from revops.validate import validate

    with tempfile.TemporaryDirectory(prefix="revops-check-") as snapshot:
        rows = validate(data_dir, progress, plausibility=plausibility, snapshot_dir=Path(snapshot), warn=warn)
        files = {name: _file_name(data_dir, name) for name in rows}
        found = profile(Path(snapshot), files)
    found.rows, found.files = rows, files
    return found


def _file_name(data_dir: Path, name: str) -> str:
    return f"{name}.parquet" if (Path(data_dir) / f"{name}.parquet").is_file() else f"{name}.csv"


def profile(snapshot_dir: Path, files: dict[str, str] | None = None) -> InputProfile:
    """The profile of a validated snapshot (one Parquet file of text per contract table); `files`
    names the file each table came from, for the warnings (default: NAME.csv)."""
    names = {path.stem: f"{path.stem}.csv" for path in snapshot_dir.glob("*.parquet")} | (files or {})
    connection = duckdb.connect()
    try:
        for path in sorted(snapshot_dir.glob("*.parquet")):
            connection.execute(f'create view "{path.stem}" as select * from read_parquet({sql_path(path)})')
        return InputProfile(
            invoice_months=_span(connection, "invoices", "period_start"),
            usage_months=_span(connection, "usage", "usage_month"),
            configurations=_configurations(connection),
            currencies=_pairs(connection, "select currency, count(*) from invoices group by 1 order by 2 desc, 1"),
            fx_coverage=_fx_coverage(connection),
            products=_products(connection),
            credit_reasons=_credit_reasons(connection),
            warnings=[
                *_months_without_invoices(connection, names),
                *_organizations_without_billing_accounts(connection, names),
                *_credit_purchases_without_contract(connection, names),
            ],
        )
    finally:
        connection.close()


def _span(connection: duckdb.DuckDBPyConnection, table: str, column: str) -> tuple[date, date, int] | None:
    first, last, months = connection.execute(
        f"""
        select min(month), max(month), count(distinct month)
        from (select cast(date_trunc('month', cast("{column}" as date)) as date) as month from "{table}")
        """
    ).fetchone()
    return None if first is None else (first, last, months)


def _fx_coverage(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, date, date, int, int]]:
    """Per currency of fx_rates: the months its rates cover and the months invoices bill in it."""
    tables = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
    if "fx_rates" not in tables:
        return []
    return _pairs(
        connection,
        """
        with rated as (
            select lower(trim(currency)) as currency, cast(month as date) as month from fx_rates
        ),
        billed as (
            select distinct lower(trim(currency)) as currency,
                cast(date_trunc('month', cast(period_start as date)) as date) as month
            from invoices
        )
        select rated.currency, min(rated.month), max(rated.month), count(distinct rated.month),
            (select count(*) from billed where billed.currency = rated.currency)
        from rated
        group by rated.currency
        order by rated.currency
        """,
    )


def _pairs(connection: duckdb.DuckDBPyConnection, query: str) -> list:
    return [tuple(row) for row in connection.execute(query).fetchall()]


def _configurations(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Each organization once, under the first that holds: a credit contract paid yearly or more
    (enterprise_yearly) or more often (enterprise_amortized), a startup-plan billing account, a
    recognised invoice with a positive total (paid), none (free)."""
    statuses = ", ".join(f"'{status}'" for status in RECOGNISED_STATUSES)
    return _pairs(
        connection,
        f"""
        with contract_organizations as (
            select organization_id, max(cast(payment_cadence_months as double)) as cadence
            from contracts group by organization_id
        ),
        startup_organizations as (
            select distinct organization_id from billing_customers where lower(is_startup_plan) = 'true'
        ),
        paying_organizations as (
            select distinct billing_customers.organization_id
            from invoices
            inner join billing_customers on billing_customers.billing_customer_id = invoices.billing_customer_id
            where invoices.status in ({statuses}) and cast(invoices.total_usd as decimal(18, 2)) > 0
        ),
        configured as (
            select
                case
                    when contract_organizations.cadence >= 12 then 'enterprise_yearly'
                    when contract_organizations.cadence is not null then 'enterprise_amortized'
                    when startup_organizations.organization_id is not null then 'startup_plan'
                    when paying_organizations.organization_id is not null then 'paid'
                    else 'free'
                end as configuration
            from organizations
            left join contract_organizations using (organization_id)
            left join startup_organizations using (organization_id)
            left join paying_organizations using (organization_id)
        )
        select configuration, count(*) from configured group by 1 order by 2 desc, 1
        """,
    )


def _products(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    return _pairs(
        connection,
        """
        select lines.product_key, count(*), count(distinct billing_customers.organization_id)
        from invoice_line_items as lines
        left join invoices using (invoice_id)
        left join billing_customers using (billing_customer_id)
        group by 1 order by 2 desc, 1
        """,
    )


def _credit_reasons(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    return _pairs(
        connection,
        """
        select 'credits', reason, count(*) from credits group by reason
        union all
        select 'refunds', reason, count(*) from refunds group by reason
        order by 1, 3 desc, 2
        """,
    )


def _months_without_invoices(connection: duckdb.DuckDBPyConnection, names: dict[str, str]) -> list[str]:
    months = [
        row[0]
        for row in connection.execute(
            """
            with invoice_months as (
                select distinct cast(date_trunc('month', cast(period_start as date)) as date) as month from invoices
            ),
            calendar as (
                select cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date) as month
                from invoice_months
            )
            select calendar.month from calendar
            anti join invoice_months on invoice_months.month = calendar.month
            order by 1
            """
        ).fetchall()
    ]
    return [
        f"{names['invoices']}: no invoice's period starts in {_month(month)}, between the first and the last month "
        "with invoices (a gap in the export? every customer would show as churned that month)."
        for month in months
    ]


def _organizations_without_billing_accounts(connection: duckdb.DuckDBPyConnection, names: dict[str, str]) -> list[str]:
    """An organization that no billing account belongs to and none rolls up into bills nothing."""
    ids = [
        row[0]
        for row in connection.execute(
            """
            select organization_id from organizations
            anti join billing_customers using (organization_id)
            anti join (select parent_organization_id as organization_id from organization_consolidations)
                using (organization_id)
            order by 1
            """
        ).fetchall()
    ]
    if not ids:
        return []
    return [
        f"{names['organizations']}: {_count(ids, 'organization')} {'has' if len(ids) == 1 else 'have'} no billing "
        f"account in {names['billing_customers']} and no organization rolling up into {'it' if len(ids) == 1 else 'them'}, "
        f"so {'it bills' if len(ids) == 1 else 'they bill'} nothing: {_examples(ids)}."
    ]


def _credit_purchases_without_contract(connection: duckdb.DuckDBPyConnection, names: dict[str, str]) -> list[str]:
    """A recognised credit purchase billed to no contract's credits account, or dated after every
    contract on that account ended: the warehouse spreads it over its own period, not a contract's."""
    statuses = ", ".join(f"'{status}'" for status in RECOGNISED_STATUSES)
    ids = [
        row[0]
        for row in connection.execute(
            f"""
            with contract_terms as (
                select
                    credits_billing_customer_id as billing_customer_id,
                    max(cast(start_date as date) + to_months(cast(cast(term_months as double) as integer)))
                        as ends_before
                from contracts group by 1
            )
            select invoices.invoice_id
            from invoices
            left join contract_terms using (billing_customer_id)
            where invoices.invoice_type = 'credit_purchase' and invoices.status in ({statuses})
                and (contract_terms.ends_before is null or cast(invoices.period_start as date) >= contract_terms.ends_before)
            order by 1
            """
        ).fetchall()
    ]
    if not ids:
        return []
    return [
        f"{names['invoices']}: {_count(ids, 'credit purchase')} {'matches' if len(ids) == 1 else 'match'} no contract "
        "(billed to no contract's credits_billing_customer_id, or after its contracts ended), so "
        f"{'it is' if len(ids) == 1 else 'they are'} spread over {'its' if len(ids) == 1 else 'their'} own period: "
        f"{_examples(ids)}."
    ]


def _count(items: list | int, word: str) -> str:
    number = items if isinstance(items, int) else len(items)
    return f"{number:,} {word}{'' if number == 1 else 's'}"


def _months(span: tuple[date, date, int] | None, what: str) -> str:
    if span is None:
        return "none"
    first, last, months = span
    return f"{_month(first)} to {_month(last)} ({_count(months, 'month')} with {what})"


def _examples(ids: list[str]) -> str:
    quoted = [f'"{value}"' for value in ids]
    if len(quoted) <= MAX_NAMED:
        return join_words(quoted)
    return f"{', '.join(quoted[:MAX_NAMED])} and {len(quoted) - MAX_NAMED} more"


def _month(month: date) -> str:
    return month.strftime("%Y-%m")
