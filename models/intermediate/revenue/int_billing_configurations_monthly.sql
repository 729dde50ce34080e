-- Section 2: the billing configuration of each customer-month, and the contract
-- discount of enterprise months. In order of precedence:
--   enterprise_amortized  a credit contract paid on a cadence shorter than 12 months covers the month
--   enterprise_yearly     a credit contract paid upfront (cadence of 12 months or more) covers the month
--   startup_plan          a startup-plan account's usage is billed entirely to startup credits
--                         (credit applied, nothing left to pay) on or before the credits' expiry month
--   paid                  some usage invoice of the month bills a positive amount
--   free                  no invoice with a positive amount
-- The covering contract comes from int_contracts_expanded_to_months.

with

customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
),

covering_contracts as (
    select * from {{ ref('int_contracts_expanded_to_months') }}
),

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

usage_invoice_months as (
    select
        organization_id,
        period_start_month as month,
        max(case when is_on_startup_credits then 1 else 0 end) as has_invoice_on_startup_credits,
        sum(credit_applied_usd) as credit_applied_usd,
        sum(total_usd - tax_usd) as billed_before_tax_usd,
        max(case when total_usd > 0 then 1 else 0 end) as has_positive_invoice
    from invoices_recognised
    where is_usage_invoice
    group by organization_id, period_start_month
),

configured as (
    select
        customer_months.organization_id,
        customer_months.month,
        case
            when covering_contracts.contract_id is not null then covering_contracts.contract_configuration
            when
                usage_invoice_months.has_invoice_on_startup_credits = 1
                and usage_invoice_months.credit_applied_usd > 0
                and usage_invoice_months.billed_before_tax_usd = 0
                then 'startup_plan'
            when usage_invoice_months.has_positive_invoice = 1 or customer_months.mrr_usd > 0 then 'paid'
            else 'free'
        end as billing_configuration,
        covering_contracts.contract_id,
        coalesce(covering_contracts.discount, 0) as contract_discount
    from customer_months
    left join covering_contracts
        on
            customer_months.organization_id = covering_contracts.organization_id
            and customer_months.month = covering_contracts.month
    left join usage_invoice_months
        on
            customer_months.organization_id = usage_invoice_months.organization_id
            and customer_months.month = usage_invoice_months.month
)

select * from configured
