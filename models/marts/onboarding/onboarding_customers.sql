-- The onboarding team's customers (first bill of `onboarding_min_first_bill_mrr_usd`, 500, or more of
-- MRR), each with whether it kept paying through its first three months; onboarding_retention_cohorts
-- counts them by cohort month.

with

onboarding_customers_retained as (
    select * from {{ ref('int_onboarding_customers_retained') }}
),

published as (
    select
        organization_id,
        cohort_month,
        first_bill_mrr_usd,
        months_observed,
        months_paid,
        is_complete,
        is_retained
    from onboarding_customers_retained
)

select * from published
