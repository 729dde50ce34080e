-- Section 6, usage retention: per product, month 0 of usage_retention_cohorts holds every
-- customer that used the product, counted once per consolidated organization (so an EU
-- organization and the US one it moved into are one user), recomputed from the raw usage
-- up to the reporting month. Returns the products whose counts differ.

with

usage_retention as (
    select * from {{ ref('usage_retention_cohorts') }}
),

usage as (
    select * from {{ ref('stg_billing__usage') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

consolidated_users as (
    select
        usage.product_key,
        count(distinct organizations_consolidated.consolidated_organization_id) as users
    from usage
    inner join organizations_consolidated
        on usage.organization_id = organizations_consolidated.organization_id
    where
        usage.usage_units > 0
        and cast({{ dbt.date_trunc('month', 'usage.usage_month') }} as date) <= (select max(month) from months)
    group by usage.product_key
),

month_zero as (
    select
        product_key,
        sum(cohort_size) as users
    from usage_retention
    where months_since_start = 0
    group by product_key
),

failing as (
    select
        coalesce(consolidated_users.product_key, month_zero.product_key) as product_key,
        consolidated_users.users as consolidated_users,
        month_zero.users as cohort_users
    from consolidated_users
    full outer join month_zero
        on consolidated_users.product_key = month_zero.product_key
    where coalesce(consolidated_users.users, 0) <> coalesce(month_zero.users, 0)
)

select * from failing
