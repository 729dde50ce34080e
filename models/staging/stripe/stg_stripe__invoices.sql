-- The billing source's invoices from Stripe's. Stripe taxes before the customer's credit balance is
-- applied and leaves the balance out of `total`; the warehouse's invoice applies credit before tax
-- (total = subtotal - discount - credit applied + tax). So the balance applied to an invoice covers
-- its amount before tax first, then its tax: credit_applied_usd is the part up to the pre-tax
-- amount, tax_usd is the tax left to pay, total_usd is Stripe's total less the balance applied.
with

invoice as (
    select * from {{ source('stripe', 'invoice') }}
),

customer_balance_transaction as (
    select * from {{ source('stripe', 'customer_balance_transaction') }}
),

stripe_mapping as (
    select * from {{ source('stripe', 'stripe_mapping') }}
),

stg_stripe__invoice_lines as (
    select * from {{ ref('stg_stripe__invoice_lines') }}
),

kept_invoices as (
    select
        id as invoice_id,
        customer_id as billing_customer_id,
        status as invoice_status,
        lower(currency) as currency,
        cast(created as timestamp) as created_at,
        cast(period_start as timestamp) as period_start_at,
        cast(period_end as timestamp) as period_end_at,
        cast(subtotal as bigint) as subtotal_minor,
        coalesce(cast(tax as bigint), 0) as tax_minor,
        cast(total as bigint) as total_minor,
        cast(amount_paid as bigint) as amount_paid_minor,
        cast(cast(due_date as timestamp) as date) as due_date,
        cast(status_transitions_paid_at as timestamp) as paid_at,
        {{ json_text_value('metadata', 'invoice_type') }} as metadata_invoice_type
    from invoice
    where
        coalesce(cast(livemode as boolean), true)
        and not coalesce(cast(is_deleted as boolean), false)
),

line_kinds as (
    select
        invoice_id,
        max(case when product_key = 'credits' then 1 else 0 end) as has_credits_line,
        max(case when product_key not in ('credits', 'ignore') then 1 else 0 end) as has_product_line
    from stg_stripe__invoice_lines
    group by invoice_id
),

balance_applied as (
    -- Credit applied is a debit to the balance (positive); un-applying it when an invoice is voided
    -- is a credit (negative).
    select
        invoice_id,
        sum(cast(amount as bigint)) as applied_minor
    from customer_balance_transaction
    where
        type in ('applied_to_invoice', 'unapplied_from_invoice')
        and invoice_id is not null
        and coalesce(cast(livemode as boolean), true)
    group by invoice_id
),

mapped_invoice_types as (
    select
        stripe_id,
        invoice_type
    from stripe_mapping
    where invoice_type is not null
),

typed as (
    select
        kept_invoices.*,
        coalesce(
            mapped_invoice_types.invoice_type,
            kept_invoices.metadata_invoice_type,
            case
                when line_kinds.has_credits_line = 1 then 'credit_purchase'
                when line_kinds.has_product_line = 1 then 'usage'
                else 'other'
            end
        ) as invoice_type,
        -- Stripe's total = subtotal - discounts + tax.
        kept_invoices.subtotal_minor + kept_invoices.tax_minor - kept_invoices.total_minor as discount_minor,
        kept_invoices.total_minor - kept_invoices.tax_minor as pre_tax_minor,
        coalesce(balance_applied.applied_minor, 0) as applied_minor
    from kept_invoices
    left join line_kinds on kept_invoices.invoice_id = line_kinds.invoice_id
    left join balance_applied on kept_invoices.invoice_id = balance_applied.invoice_id
    left join mapped_invoice_types on kept_invoices.invoice_id = mapped_invoice_types.stripe_id
),

credit_split as (
    select
        *,
        case when applied_minor < pre_tax_minor then applied_minor else pre_tax_minor end as credit_applied_minor
    from typed
),

renamed as (
    select
        invoice_id,
        billing_customer_id,
        invoice_type,
        invoice_status,
        cast(period_start_at as date) as period_start_date,
        -- Stripe's period end is the next period's first instant; the warehouse's is the last day.
        case
            when period_end_at > period_start_at
                then cast({{ dbt.dateadd('second', -1, 'period_end_at') }} as date)
            else cast(period_start_at as date)
        end as period_end_date,
        currency,
        {{ stripe_minor_to_major('subtotal_minor', 'currency') }} as subtotal_usd,
        {{ stripe_minor_to_major('discount_minor', 'currency') }} as discount_usd,
        {{ stripe_minor_to_major('credit_applied_minor', 'currency') }} as credit_applied_usd,
        {{ stripe_minor_to_major('tax_minor - (applied_minor - credit_applied_minor)', 'currency') }} as tax_usd,
        {{ stripe_minor_to_major('total_minor - applied_minor', 'currency') }} as total_usd,
        {{ stripe_minor_to_major('amount_paid_minor', 'currency') }} as amount_paid_usd,
        created_at,
        due_date,
        paid_at
    from credit_split
)

select * from renamed
