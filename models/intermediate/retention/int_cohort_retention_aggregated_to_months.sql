-- Section 6: cohort retention, one row per cohort and months since start n = 0, 1, ...
--   cohort size     the cohort's customers          starting MRR  sum of each one's MRR(0)
--   active          customers with MRR(n) > 0       MRR(n)        sum of adjusted MRR(n)
--   capped          sum of min(MRR(n), MRR(0))
--   NDR(n) = MRR(n) / starting MRR, GDR(n) = capped / starting MRR,
--   logo retention(n) = active / cohort size.
-- n counts from each customer's own NEW month, so MRR(0) is its first paid month's MRR
-- and month 0 is 1 for every ratio, in quarterly cohorts too. A cohort's n runs up to
-- the reporting month of its latest starter, so every member is observed at every n.

with

cohort_customers as (
    select * from {{ ref('int_customers_assigned_to_cohorts') }}
),

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

months as (
    select * from {{ ref('int_months') }}
),

cohorts_aggregated as (
    select
        cohort_month,
        cohort_label,
        cohort_grain,
        count(*) as cohort_size,
        sum(starting_mrr_usd) as starting_mrr_usd,
        max(first_paid_month) as latest_first_paid_month
    from cohort_customers
    group by cohort_month, cohort_label, cohort_grain
),

cohorts_observed as (
    select
        cohorts_aggregated.*,
        {{ dbt.datediff('cohorts_aggregated.latest_first_paid_month', 'months.reporting_month', 'month') }}
            as observed_months_since_start
    from cohorts_aggregated
    cross join months
    where months.is_newest_month
),

customer_months_since_start as (
    select
        cohort_customers.cohort_month,
        cohort_customers.organization_id,
        cast(
            {{ dbt.datediff('cohort_customers.first_paid_month', 'customer_lifecycle_stages.month', 'month') }}
            as integer
        ) as months_since_start,
        customer_lifecycle_stages.is_provisional,
        customer_lifecycle_stages.mrr_usd,
        case
            when customer_lifecycle_stages.mrr_usd < cohort_customers.starting_mrr_usd
                then customer_lifecycle_stages.mrr_usd
            else cohort_customers.starting_mrr_usd
        end as capped_mrr_usd
    from cohort_customers
    inner join customer_lifecycle_stages
        on cohort_customers.organization_id = customer_lifecycle_stages.organization_id
),

customer_months_aggregated as (
    select
        cohort_month,
        months_since_start,
        {{ dbt.bool_or('is_provisional') }} as includes_provisional_month,
        count(case when mrr_usd > 0 then 1 end) as active_customers,
        sum(mrr_usd) as mrr_usd,
        sum(capped_mrr_usd) as capped_mrr_usd
    from customer_months_since_start
    group by cohort_month, months_since_start
),

joined as (
    select
        cohorts_observed.cohort_month,
        customer_months_aggregated.months_since_start,
        cohorts_observed.cohort_label,
        cohorts_observed.cohort_grain,
        customer_months_aggregated.includes_provisional_month,
        cohorts_observed.cohort_size,
        customer_months_aggregated.active_customers,
        cast(cohorts_observed.starting_mrr_usd as decimal(18, 2)) as starting_mrr_usd,
        cast(customer_months_aggregated.mrr_usd as decimal(18, 2)) as mrr_usd,
        cast(customer_months_aggregated.capped_mrr_usd as decimal(18, 2)) as capped_mrr_usd
    from cohorts_observed
    inner join customer_months_aggregated
        on
            cohorts_observed.cohort_month = customer_months_aggregated.cohort_month
            and cohorts_observed.observed_months_since_start >= customer_months_aggregated.months_since_start
),

with_ratios as (
    select
        *,
        cast(mrr_usd as double) / nullif(cast(starting_mrr_usd as double), 0) as ndr,
        cast(capped_mrr_usd as double) / nullif(cast(starting_mrr_usd as double), 0) as gdr,
        cast(active_customers as double) / nullif(cast(cohort_size as double), 0) as logo_retention
    from joined
)

select * from with_ratios
