with

usage_retention as (
    select * from {{ ref('int_usage_retention_aggregated_to_months') }}
),

published as (
    select
        product_key,
        cohort_month,
        months_since_start,
        cohort_grain,
        cohort_size,
        active_customers,
        starting_units,
        usage_units as units,
        usage_retention,
        logo_retention
    from usage_retention
)

select * from published
