-- Onboarding retention by cohort month: of the customers whose first bill was
-- `onboarding_min_first_bill_mrr_usd` (500) or more of MRR, the share still paying through their first
-- three months, against the onboarding team's goal (`onboarding_logo_retention_goal`, 90 %). A cohort
-- whose third month is after the reporting month is incomplete: its retention so far is shown, and it is
-- not judged against the goal yet.

with

onboarding_customers_retained as (
    select * from {{ ref('int_onboarding_customers_retained') }}
),

cohorts as (
    select
        cohort_month,
        count(*) as onboarding_customers,
        sum(case when is_retained then 1 else 0 end) as retained_customers,
        sum(first_bill_mrr_usd) as first_bill_mrr_usd,
        max(months_observed) as months_observed
    from onboarding_customers_retained
    group by cohort_month
),

published as (
    select
        cohort_month,
        cast(onboarding_customers as integer) as onboarding_customers,
        cast(retained_customers as integer) as retained_customers,
        cast(onboarding_customers - retained_customers as integer) as lost_customers,
        cast(first_bill_mrr_usd as decimal(18, 2)) as first_bill_mrr_usd,
        cast(months_observed as integer) as months_observed,
        months_observed = 3 as is_complete,
        cast(retained_customers as double) / onboarding_customers as logo_retention,
        cast({{ var('onboarding_logo_retention_goal') }} as double) as logo_retention_goal,
        case
            when months_observed = 3
                then
                    cast(retained_customers as double) / onboarding_customers
                    >= {{ var('onboarding_logo_retention_goal') }}
        end as meets_goal
    from cohorts
)

select * from published
