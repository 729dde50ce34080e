-- Section 6, usage retention: one row per product, usage cohort and months since first
-- use n = 0, 1, ...
--   cohort size        customers who first used the product in the cohort's period
--   starting units     sum of each one's units in its first month of use (its month 0)
--   units              sum of units in each one's month n (0 when it did not use it)
--   usage retention    units / starting units
--   logo retention     customers with units in month n > 0 / cohort size (the share still using it)
-- n counts from each customer's own first month, so month 0 is 1; a cohort's n runs up
-- to the reporting month of its latest starter. Months without any usage get a row at 0.

with

usage_cohort_customers as (
    select * from {{ ref('int_customers_assigned_to_usage_cohorts') }}
),

usage_consolidated as (
    select * from {{ ref('int_usage_consolidated_to_customers') }}
),

months as (
    select * from {{ ref('int_months') }}
),

integers as (
    select n from {{ integers(3) }} as integers
),

cohorts_aggregated as (
    select
        product_key,
        cohort_month,
        cohort_grain,
        count(*) as cohort_size,
        sum(starting_units) as starting_units,
        max(first_used_month) as latest_first_used_month
    from usage_cohort_customers
    group by product_key, cohort_month, cohort_grain
),

cohorts_observed as (
    select
        cohorts_aggregated.*,
        {{ dbt.datediff('cohorts_aggregated.latest_first_used_month', 'months.reporting_month', 'month') }}
            as observed_months_since_start
    from cohorts_aggregated
    cross join months
    where months.is_newest_month
),

cohort_months_since_start as (
    select
        cohorts_observed.product_key,
        cohorts_observed.cohort_month,
        cohorts_observed.cohort_grain,
        cohorts_observed.cohort_size,
        cohorts_observed.starting_units,
        cast(integers.n as integer) as months_since_start
    from cohorts_observed
    inner join integers
        on cohorts_observed.observed_months_since_start >= integers.n
),

customer_months_since_start as (
    select
        usage_cohort_customers.product_key,
        usage_cohort_customers.cohort_month,
        usage_cohort_customers.organization_id,
        cast(
            {{ dbt.datediff('usage_cohort_customers.first_used_month', 'usage_consolidated.month', 'month') }}
            as integer
        ) as months_since_start,
        usage_consolidated.usage_units
    from usage_cohort_customers
    inner join usage_consolidated
        on
            usage_cohort_customers.organization_id = usage_consolidated.organization_id
            and usage_cohort_customers.product_key = usage_consolidated.product_key
            and usage_cohort_customers.first_used_month <= usage_consolidated.month
),

customer_months_aggregated as (
    select
        product_key,
        cohort_month,
        months_since_start,
        count(case when usage_units > 0 then 1 end) as active_customers,
        sum(usage_units) as usage_units
    from customer_months_since_start
    group by product_key, cohort_month, months_since_start
),

joined as (
    select
        cohort_months_since_start.product_key,
        cohort_months_since_start.cohort_month,
        cohort_months_since_start.months_since_start,
        cohort_months_since_start.cohort_grain,
        cohort_months_since_start.cohort_size,
        coalesce(customer_months_aggregated.active_customers, 0) as active_customers,
        cohort_months_since_start.starting_units,
        coalesce(customer_months_aggregated.usage_units, 0) as usage_units
    from cohort_months_since_start
    left join customer_months_aggregated
        on
            cohort_months_since_start.product_key = customer_months_aggregated.product_key
            and cohort_months_since_start.cohort_month = customer_months_aggregated.cohort_month
            and cohort_months_since_start.months_since_start = customer_months_aggregated.months_since_start
),

with_ratios as (
    select
        *,
        usage_units / nullif(starting_units, 0) as usage_retention,
        cast(active_customers as double) / nullif(cast(cohort_size as double), 0) as logo_retention
    from joined
)

select * from with_ratios
