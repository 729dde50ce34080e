-- Section 6, usage retention, step 2: every customer's usage cohort on every product it
-- used, the month (or, with var cohort_grain = 'quarter', the calendar quarter) of the
-- first month with usage units > 0 on the product, and its units in that month.

{%- set cohort_grain = var('cohort_grain') %}

with

usage_consolidated as (
    select * from {{ ref('int_usage_consolidated_to_customers') }}
),

first_used_months as (
    select
        organization_id,
        product_key,
        min(month) as first_used_month
    from usage_consolidated
    where usage_units > 0
    group by organization_id, product_key
),

starting_units_joined as (
    select
        first_used_months.organization_id,
        first_used_months.product_key,
        first_used_months.first_used_month,
        usage_consolidated.usage_units as starting_units,
        '{{ cohort_grain }}' as cohort_grain,
        cast({{ dbt.date_trunc(cohort_grain, 'first_used_months.first_used_month') }} as date) as cohort_month
    from first_used_months
    inner join usage_consolidated
        on
            first_used_months.organization_id = usage_consolidated.organization_id
            and first_used_months.product_key = usage_consolidated.product_key
            and first_used_months.first_used_month = usage_consolidated.month
)

select * from starting_units_joined
