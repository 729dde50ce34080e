-- Onboarding: the customers the onboarding team looks after, those whose first bill is
-- `onboarding_min_first_bill_mrr_usd` (500) or more of MRR, and whether each kept paying through its
-- first three months. The first bill is the adjusted MRR of the customer's NEW month (lifecycle and
-- retention read adjusted MRR, so a trial's bills never make a customer look onboarded); the first three
-- months are the NEW month and the two after it, and the customer is retained when its adjusted MRR is
-- above 0 in each of them (a month at 0 is a lost logo, even when it returns later). Months after the
-- reporting month are not known yet: `months_observed` says how many of the three are.
-- One row per such customer.

with

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

first_bills as (
    select
        organization_id,
        month as cohort_month,
        mrr_usd as first_bill_mrr_usd
    from customer_lifecycle_stages
    where stage = 'NEW' and mrr_usd >= {{ var('onboarding_min_first_bill_mrr_usd') }}
),

first_three_months as (
    select
        first_bills.organization_id,
        count(*) as months_observed,
        sum(case when customer_lifecycle_stages.mrr_usd > 0 then 1 else 0 end) as months_paid
    from first_bills
    inner join customer_lifecycle_stages
        on
            first_bills.organization_id = customer_lifecycle_stages.organization_id
            and first_bills.cohort_month <= customer_lifecycle_stages.month
            and customer_lifecycle_stages.month
            < cast({{ dbt.dateadd('month', 3, 'first_bills.cohort_month') }} as date)
    group by first_bills.organization_id
),

retained as (
    select
        first_bills.organization_id,
        first_bills.cohort_month,
        first_bills.first_bill_mrr_usd,
        cast(first_three_months.months_observed as integer) as months_observed,
        cast(first_three_months.months_paid as integer) as months_paid,
        first_three_months.months_observed = 3 as is_complete,
        first_three_months.months_paid = first_three_months.months_observed as is_retained
    from first_bills
    inner join first_three_months
        on first_bills.organization_id = first_three_months.organization_id
)

select * from retained
