-- Section 6: every customer that ever had adjusted MRR > 0 is in exactly one cohort, so
-- month 0 of retention_cohorts adds up to them: the cohort sizes sum to the number of
-- paying customers and the starting MRR to the sum of their first paid month's adjusted
-- MRR (taken from int_mrr_adjusted_monthly directly). Returns a row when either differs.

with

cohort_retention as (
    select * from {{ ref('retention_cohorts') }}
),

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

first_paid_months as (
    select
        organization_id,
        min(month) as first_paid_month
    from customer_months_adjusted
    where adjusted_mrr_usd > 0
    group by organization_id
),

paying_customers as (
    select
        count(*) as customers,
        sum(customer_months_adjusted.adjusted_mrr_usd) as starting_mrr_usd
    from first_paid_months
    inner join customer_months_adjusted
        on
            first_paid_months.organization_id = customer_months_adjusted.organization_id
            and first_paid_months.first_paid_month = customer_months_adjusted.month
),

month_zero as (
    select
        coalesce(sum(cohort_size), 0) as customers,
        coalesce(sum(starting_mrr_usd), 0) as starting_mrr_usd
    from cohort_retention
    where months_since_start = 0
),

failing as (
    select
        paying_customers.customers as paying_customers,
        month_zero.customers as cohort_customers,
        paying_customers.starting_mrr_usd as paying_starting_mrr_usd,
        month_zero.starting_mrr_usd as cohort_starting_mrr_usd
    from paying_customers
    cross join month_zero
    where
        paying_customers.customers <> month_zero.customers
        or coalesce(paying_customers.starting_mrr_usd, 0) <> month_zero.starting_mrr_usd
)

select * from failing
