-- Section 2, per product: each product line of a recognised usage invoice
-- (int_invoices_recognised) counts in the month its billing period starts, at its
-- amount after coupons, less the refunds issued against that invoice for that product
-- ("refunds reduce the product they were issued for"), the refunds with a reason that
-- triggers the one-time-credit rule kept apart as well (they are added back to the
-- product in a one-time-credit month). A line billed on a contract's usage account in
-- a month the contract is in force carries that contract's discount
-- (int_usage_accounts_under_contracts_monthly; 0 on any other account). Billing
-- configurations then decide what of it is MRR; a line of an invoice paid by startup
-- credits (is_paid_by_startup_credits, decided per account) is worth 0 whatever the
-- customer's configuration. Invoices of months after the reporting month are left out.

with

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

invoice_line_items as (
    select * from {{ ref('stg_billing__invoice_line_items') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

credit_reasons as (
    select * from {{ ref('credit_reasons') }}
),

months as (
    select * from {{ ref('int_months') }}
),

usage_accounts_under_contracts as (
    select * from {{ ref('int_usage_accounts_under_contracts_monthly') }}
),

usage_invoices as (
    select * from invoices_recognised
    where is_usage_invoice
),

refunds_per_invoice_product as (
    select
        refunds.invoice_id,
        refunds.product_key,
        sum(refunds.amount_usd) as refunded_usd,
        sum(
            case when credit_reasons.triggers_one_time_credit_adjustment then refunds.amount_usd else 0 end
        ) as qualifying_refunded_usd
    from refunds
    left join credit_reasons
        on refunds.reason = credit_reasons.reason
    group by refunds.invoice_id, refunds.product_key
),

lines_per_invoice_product as (
    select
        invoice_id,
        product_key,
        sum(usage_units) as usage_units,
        -- Lines can carry fractions of a cent: rounded once per invoice and product, not per line.
        cast(sum(amount_usd) as decimal(18, 2)) as amount_usd,
        cast(sum(amount_usd - discount_usd) as decimal(18, 2)) as amount_after_coupons_usd
    from invoice_line_items
    group by invoice_id, product_key
),

attributed as (
    select
        usage_invoices.invoice_id,
        usage_invoices.billing_customer_id,
        usage_invoices.source_organization_id,
        usage_invoices.organization_id,
        lines_per_invoice_product.product_key,
        usage_invoices.period_start_month as month,
        coalesce(usage_invoices.is_paid_by_startup_credits, false) as is_paid_by_startup_credits,
        lines_per_invoice_product.usage_units,
        lines_per_invoice_product.amount_usd,
        lines_per_invoice_product.amount_after_coupons_usd,
        coalesce(refunds_per_invoice_product.refunded_usd, 0) as refunded_usd,
        coalesce(refunds_per_invoice_product.qualifying_refunded_usd, 0) as qualifying_refunded_usd
    from usage_invoices
    inner join lines_per_invoice_product
        on usage_invoices.invoice_id = lines_per_invoice_product.invoice_id
    left join refunds_per_invoice_product
        on
            lines_per_invoice_product.invoice_id = refunds_per_invoice_product.invoice_id
            and lines_per_invoice_product.product_key = refunds_per_invoice_product.product_key
),

with_contract_discounts as (
    select
        attributed.*,
        usage_accounts_under_contracts.contract_id,
        coalesce(usage_accounts_under_contracts.contract_discount, 0) as contract_discount
    from attributed
    left join usage_accounts_under_contracts
        on
            attributed.billing_customer_id = usage_accounts_under_contracts.billing_customer_id
            and attributed.month = usage_accounts_under_contracts.month
),

up_to_the_reporting_month as (
    select with_contract_discounts.*
    from with_contract_discounts
    inner join months
        on with_contract_discounts.month = months.month
)

select * from up_to_the_reporting_month
