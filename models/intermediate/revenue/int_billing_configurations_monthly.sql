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

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

billing_customers as (
    select * from {{ ref('stg_billing__billing_customers') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

usage_invoice_months as (
    select
        organizations_consolidated.consolidated_organization_id as organization_id,
        cast({{ dbt.date_trunc('month', 'invoices.period_start_date') }} as date) as month,
        max(
            case
                when
                    billing_customers.is_startup_plan
                    and invoices.period_start_date
                    <= coalesce(billing_customers.startup_credit_expires_date, invoices.period_start_date)
                    then 1
                else 0
            end
        ) as has_startup_account,
        sum(invoices.credit_applied_usd) as credit_applied_usd,
        sum(invoices.total_usd - invoices.tax_usd) as billed_before_tax_usd,
        max(case when invoices.total_usd > 0 then 1 else 0 end) as has_positive_invoice
    from invoices
    inner join billing_customers
        on invoices.billing_customer_id = billing_customers.billing_customer_id
    inner join organizations_consolidated
        on billing_customers.organization_id = organizations_consolidated.organization_id
    where
        invoices.invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoices.invoice_type = 'usage'
    group by 1, 2
),

configured as (
    select
        customer_months.organization_id,
        customer_months.month,
        case
            when covering_contracts.contract_id is not null then covering_contracts.contract_configuration
            when
                usage_invoice_months.has_startup_account = 1
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
