-- Section 2: the invoices that count as revenue, one row per invoice, with the customer
-- it belongs to (int_billing_customers_consolidated). An invoice counts when its status
-- is recognised (var recognised_invoice_statuses: open, paid, uncollectible; void and
-- draft never count) and it is a usage invoice or a credit purchase: `other` invoices
-- (one-off services) are not recurring revenue and are not here. The only model that
-- reads var recognised_invoice_statuses; every model that needs recognised invoices
-- starts from it and picks the type it needs by `is_usage_invoice` or
-- `is_credit_purchase`. Nothing is cut at the reporting month here (the calendar,
-- int_months, is computed from this model); readers keep what is dated up to it.
--   is_on_startup_credits           a startup-plan account's usage invoice whose period
--                                   starts on or before the credits expire (no expiry
--                                   date: always)
--   is_after_startup_credit_expiry  a startup-plan account's usage invoice whose period
--                                   starts after the credits expired: credits still
--                                   applied on it are revenue
--   is_paid_by_startup_credits      on startup credits and billed entirely to them (credit
--                                   applied, nothing left to pay before tax): decided per
--                                   billing account and invoice, so a startup team on
--                                   credits inside a paying customer still counts 0

with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

billing_customers_consolidated as (
    select * from {{ ref('int_billing_customers_consolidated') }}
),

recognised as (
    select * from invoices
    where
        invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoice_type in ('usage', 'credit_purchase')
),

typed as (
    select
        recognised.*,
        recognised.invoice_type = 'usage' as is_usage_invoice,
        recognised.invoice_type = 'credit_purchase' as is_credit_purchase
    from recognised
),

with_customers as (
    select
        typed.invoice_id,
        typed.billing_customer_id,
        billing_customers_consolidated.source_organization_id,
        billing_customers_consolidated.organization_id,
        typed.invoice_type,
        typed.invoice_status,
        typed.is_usage_invoice,
        typed.is_credit_purchase,
        cast({{ dbt.date_trunc('month', 'typed.period_start_date') }} as date) as period_start_month,
        typed.period_start_date,
        typed.period_end_date,
        typed.currency,
        typed.subtotal_usd,
        typed.discount_usd,
        typed.credit_applied_usd,
        typed.tax_usd,
        typed.total_usd,
        typed.amount_paid_usd,
        typed.due_date,
        typed.paid_at,
        typed.is_usage_invoice
        and billing_customers_consolidated.is_startup_plan
        and coalesce(typed.period_start_date <= billing_customers_consolidated.startup_credit_expires_date, true)
            as is_on_startup_credits,
        typed.is_usage_invoice
        and billing_customers_consolidated.is_startup_plan
        and coalesce(typed.period_start_date > billing_customers_consolidated.startup_credit_expires_date, false)
            as is_after_startup_credit_expiry,
        typed.is_usage_invoice
        and billing_customers_consolidated.is_startup_plan
        and coalesce(typed.period_start_date <= billing_customers_consolidated.startup_credit_expires_date, true)
        and typed.credit_applied_usd > 0
        and typed.total_usd - typed.tax_usd <= 0
            as is_paid_by_startup_credits
    from typed
    inner join billing_customers_consolidated
        on typed.billing_customer_id = billing_customers_consolidated.billing_customer_id
)

select * from with_customers
