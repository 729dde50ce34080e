-- Section 1: every billing account with the organization it belongs to and the
-- customer that organization is consolidated into (the top of its chain,
-- int_organizations_consolidated). The one place a billing account is mapped to a
-- customer: every model that reads invoices, credits or subscriptions starts here or
-- from int_invoices_recognised.

with

billing_customers as (
    select * from {{ ref('stg_billing__billing_customers') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

consolidated as (
    select
        billing_customers.billing_customer_id,
        billing_customers.organization_id as source_organization_id,
        organizations_consolidated.consolidated_organization_id as organization_id,
        billing_customers.region,
        billing_customers.is_startup_plan,
        billing_customers.startup_credit_usd,
        billing_customers.startup_credit_expires_date
    from billing_customers
    inner join organizations_consolidated
        on billing_customers.organization_id = organizations_consolidated.organization_id
)

select * from consolidated
