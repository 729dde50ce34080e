-- Section 6, usage retention, step 1: usage units per customer (the consolidated
-- organization, section 1), product and month, summed over the organizations rolled
-- into it, up to the reporting month. Months without usage have no row.

with

usage as (
    select * from {{ ref('stg_billing__usage') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

usage_consolidated as (
    select
        organizations_consolidated.consolidated_organization_id as organization_id,
        usage.product_key,
        cast({{ dbt.date_trunc('month', 'usage.usage_month') }} as date) as month,
        usage.usage_units
    from usage
    inner join organizations_consolidated
        on usage.organization_id = organizations_consolidated.organization_id
),

up_to_reporting_month as (
    select usage_consolidated.*
    from usage_consolidated
    inner join months
        on
            months.is_newest_month
            and usage_consolidated.month <= months.reporting_month
),

aggregated as (
    select
        organization_id,
        product_key,
        month,
        sum(usage_units) as usage_units
    from up_to_reporting_month
    group by organization_id, product_key, month
)

select * from aggregated
