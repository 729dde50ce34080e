"""The generated company's billing data in Stripe's shape (`revops generate --billing-format stripe`).

The company is generated in the project's own billing files first (same seed, same company), then
rewritten here, in DuckDB, as the tables Fivetran's Stripe connector lands (`models/staging/stripe/
_stripe__sources.yml`): amounts in cents, Stripe's exclusive period ends, credits and credit applied
as customer balance transactions, refunds as credit notes, subscriptions in history mode. What Stripe
cannot say travels the way a real company would record it, so the Stripe staging models have to do
the work they do on real data:

- a customer's organization and region are customer metadata (`organization_id`, `region`, left
  out when US, the default), except every tenth customer, whose organization is in
  `stripe_mapping` instead;
- a product's product_key is product metadata, left out when its name already reads as the key,
  and the prepaid-credits product is named by `stripe_mapping`;
- a credit purchase is an invoice with one line of the prepaid-credits product;
- a startup plan is a balance grant with metadata `credit_kind` startup and `expires_on`;
- a credit's reason and month are balance transaction metadata (reason left out when Other), except
  the first credit's, which are in `stripe_mapping`;
- a refund's reason is credit note metadata (left out when Other), its product the credited line's.

The contract files other than billing's (CRM, contracts, usage) stay as generated.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from revops import PROJECT_DIR, contract

# One timestamp for every row's `_fivetran_synced`: the same arguments give the same bytes.
SYNCED_AT = "2026-11-01 00:00:00"


def _reader(path: Path) -> str:
    literal = "'" + str(path).replace("'", "''") + "'"
    if path.suffix == ".csv":
        return f"read_csv({literal}, header = true, all_varchar = true)"
    return f"read_parquet({literal})"


def _cents(column: str) -> str:
    return f"cast(cast({column} as decimal(18, 2)) * 100 as bigint)"


def _json(*pairs: tuple[str, str]) -> str:
    """SQL for a JSON object (as text, Stripe's metadata) of the pairs whose value is not null."""
    entries = ", ".join(
        f"case when {value} is not null then to_json('{key}') || ': ' || to_json(cast({value} as varchar)) end"
        for key, value in pairs
    )
    return f"'{{' || concat_ws(', ', {entries}) || '}}'"


TABLES = {
    "customer": f"""
        select
            customer.billing_customer_id as id,
            cast(customer.created_at as timestamp) as created,
            customer.email,
            {
        _json(
            ("organization_id", "case when customer.position % 10 <> 0 then customer.organization_id end"),
            ("region", "case when customer.region <> 'US' then customer.region end"),
        )
    } as metadata,
            true as livemode,
            timestamp '{SYNCED_AT}' as _fivetran_synced
        from (select *, row_number() over (order by billing_customer_id) as position from billing_customers)
            as customer
        order by id
    """,
    "product": f"""
        select
            'prod_' || product_key as id,
            product_name as name,
            {
        _json(
            (
                "product_key",
                "case when product_key <> 'credits' and replace(lower(trim(product_name)), ' ', '_') <> product_key "
                "then product_key end",
            )
        )
    } as metadata,
            true as active,
            false as is_deleted,
            true as livemode
        from products
        order by id
    """,
    "price": """
        select
            'price_' || product_key as id,
            'prod_' || product_key as product_id,
            'usd' as currency,
            case when product_key = 'credits' then 'one_time' else 'recurring' end as type,
            '{}' as metadata,
            true as active,
            false as is_deleted,
            true as livemode
        from products
        order by id
    """,
    "invoice": f"""
        select
            invoice_id as id,
            billing_customer_id as customer_id,
            status,
            currency,
            cast(created_at as timestamp) as created,
            cast(cast(period_start as date) as timestamp) as period_start,
            cast(cast(period_end as date) + interval 1 day as timestamp) as period_end,
            {_cents("subtotal_usd")} as subtotal,
            {_cents("tax_usd")} as tax,
            {_cents("subtotal_usd")} - {_cents("discount_usd")} + {_cents("tax_usd")} as total,
            {_cents("total_usd")} as amount_due,
            {_cents("amount_paid_usd")} as amount_paid,
            cast(cast(due_on as date) as timestamp) as due_date,
            cast(paid_at as timestamp) as status_transitions_paid_at,
            case when invoice_type = 'credit_purchase' then 'manual' else 'subscription_cycle' end as billing_reason,
            {_json(("invoice_type", "case when invoice_type = 'other' then invoice_type end"))} as metadata,
            false as is_deleted,
            true as livemode
        from invoices
        order by id
    """,
    "invoice_line_item": f"""
        select * from (
            select
                line_item_id as id,
                invoice_id,
                'price_' || product_key as price_id,
                cast(cast(quantity as double) as bigint) as quantity,
                {_cents("amount_usd")} as amount,
                'subscription' as type,
                true as livemode
            from invoice_line_items
            union all
            select
                'il_' || invoice_id as id,
                invoice_id,
                'price_credits' as price_id,
                1 as quantity,
                {_cents("subtotal_usd")} as amount,
                'invoiceitem' as type,
                true as livemode
            from invoices
            where invoice_type = 'credit_purchase'
        )
        order by id
    """,
    "discount": f"""
        select
            'di_' || line_item_id as id,
            invoice_id,
            line_item_id as invoice_item_id,
            {_cents("discount_usd")} as amount
        from invoice_line_items
        where cast(discount_usd as decimal(18, 2)) > 0
        order by id
    """,
    "customer_balance_transaction": f"""
        select * from (
            select
                credit.credit_id as id,
                credit.billing_customer_id as customer_id,
                'adjustment' as type,
                -{_cents("credit.amount_usd")} as amount,
                coalesce((select min(invoices.currency) from invoices where invoices.billing_customer_id = credit.billing_customer_id), 'usd') as currency,
                cast(credit.created_at as timestamp) as created,
                cast(null as varchar) as invoice_id,
                credit.note as description,
                case when credit.position = 1 then '{{}}' else {
        _json(
            ("reason", "case when credit.reason <> 'Other' then credit.reason end"),
            ("applies_to_month", "strftime(cast(credit.applies_to_month as date), '%Y-%m-%d')"),
        )
    } end as metadata,
                true as livemode
            from (select *, row_number() over (order by credit_id) as position from credits) as credit
            union all
            select
                'cbtxn_startup_' || billing_customer_id as id,
                billing_customer_id as customer_id,
                'adjustment' as type,
                -{_cents("startup_credit_usd")} as amount,
                coalesce((select min(invoices.currency) from invoices where invoices.billing_customer_id = billing_customers.billing_customer_id), 'usd') as currency,
                cast(created_at as timestamp) as created,
                cast(null as varchar) as invoice_id,
                'Startup plan credit' as description,
                {
        _json(
            ("credit_kind", "'startup'"),
            ("expires_on", "strftime(cast(startup_credit_expires_on as date), '%Y-%m-%d')"),
        )
    } as metadata,
                true as livemode
            from billing_customers
            where lower(cast(is_startup_plan as varchar)) = 'true'
            union all
            select
                'cbtxn_applied_' || invoice_id as id,
                billing_customer_id as customer_id,
                'applied_to_invoice' as type,
                {_cents("credit_applied_usd")} as amount,
                currency,
                cast(created_at as timestamp) as created,
                invoice_id,
                cast(null as varchar) as description,
                '{{}}' as metadata,
                true as livemode
            from invoices
            where cast(credit_applied_usd as decimal(18, 2)) > 0
        )
        order by id
    """,
    "credit_note": f"""
        select
            'cn_' || refund.refund_id as id,
            refund.invoice_id,
            'issued' as status,
            'post_payment' as type,
            (select invoices.currency from invoices where invoices.invoice_id = refund.invoice_id) as currency,
            cast(refund.created_at as timestamp) as created,
            {_cents("refund.amount_usd")} as amount,
            {
        _json(
            ("reason", "case when refund.reason <> 'Other' then refund.reason end"),
            ("product_key", "case when line.line_item_id is null then refund.product_key end"),
        )
    } as metadata,
            true as livemode
        from refunds as refund
        left join invoice_line_items as line
            on refund.invoice_id = line.invoice_id and refund.product_key = line.product_key
        order by id
    """,
    "credit_note_line_item": f"""
        select
            refund.refund_id as id,
            'cn_' || refund.refund_id as credit_note_id,
            case when line.line_item_id is null then 'custom_line_item' else 'invoice_line_item' end as type,
            line.line_item_id as invoice_line_item,
            {_cents("refund.amount_usd")} as amount,
            0 as discount_amount,
            true as livemode
        from refunds as refund
        left join invoice_line_items as line
            on refund.invoice_id = line.invoice_id and refund.product_key = line.product_key
        order by id
    """,
    "subscription_history": """
        select
            subscription_id as id,
            cast(started_at as timestamp) as _fivetran_start,
            cast(null as timestamp) as _fivetran_end,
            true as _fivetran_active,
            billing_customer_id as customer_id,
            status,
            cast(started_at as timestamp) as start_date,
            cast(canceled_at as timestamp) as canceled_at,
            cast(canceled_at as timestamp) as ended_at,
            true as livemode
        from subscriptions
        order by id
    """,
    "stripe_mapping": """
        select * from (
            select
                billing_customer_id as stripe_id,
                organization_id,
                cast(null as varchar) as region,
                cast(null as varchar) as product_key,
                cast(null as varchar) as invoice_type,
                cast(null as varchar) as reason,
                cast(null as date) as applies_to_month
            from (select *, row_number() over (order by billing_customer_id) as position from billing_customers)
            where position % 10 = 0
            union all
            select 'prod_credits', null, null, 'credits', null, null, null
            union all
            select credit_id, null, null, null, null, reason, cast(applies_to_month as date)
            from (select *, row_number() over (order by credit_id) as position from credits)
            where position = 1
        )
        order by stripe_id
    """,
}


def write_stripe_format(out_dir: Path, file_format: str) -> dict[str, int]:
    """Rewrite the billing files of a generated directory as Stripe's tables; rows per Stripe table.

    The project-shaped billing files (`billing_customers`, `invoices`, ...) are removed; the other
    files are left as they are.
    """
    out_dir = Path(out_dir)
    billing_tables = [name for name, table in contract.tables("billing").items() if table.billing_source == "billing"]
    connection = duckdb.connect()
    rows: dict[str, int] = {}
    try:
        connection.execute("set TimeZone = 'UTC'")
        for name in billing_tables:
            path = out_dir / f"{name}.{file_format}"
            connection.execute(f"create view {name} as select * from {_reader(path)}")
        catalogue = _reader(PROJECT_DIR / "seeds" / "product_catalogue.csv")
        connection.execute(
            f"""create view products as
                select product_key, product_name from {catalogue}
                union all select 'credits', 'Prepaid credits'"""
        )
        for name, query in TABLES.items():
            target = out_dir / f".{name}.{file_format}.partial"
            literal = "'" + str(target).replace("'", "''") + "'"
            options = "format csv, header true" if file_format == "csv" else "format parquet, compression zstd"
            connection.execute(f"copy ({query}) to {literal} ({options})")
            rows[name] = connection.execute(f"select count(*) from ({query})").fetchall()[0][0]
        for name in TABLES:
            os.replace(out_dir / f".{name}.{file_format}.partial", out_dir / f"{name}.{file_format}")
    finally:
        connection.close()
    for name in billing_tables:
        (out_dir / f"{name}.{file_format}").unlink(missing_ok=True)
    return rows
