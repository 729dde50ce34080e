-- Section 3, adjustment 3 (after trials): month m's revenue is set to the revenue of
-- m - 1 when
--   qualifying credits and refunds for m >= 0.5 x revenue(m - 1)   (var one_time_credit_min_share_of_prior_month)
--   and revenue(m + 1) >= the average of revenue(m - 1) and revenue(m - 2).
-- Decisions: revenue(m - 1) must be positive (a credit cannot "restore" a month to 0)
-- and the credit positive; months before the customer's first month count as 0; the
-- rule reads its neighbours' values as they come out of the trial step. The newest
-- month has no m + 1: it is left unadjusted (and flagged provisional in mrr_monthly).
-- Averages are compared doubled, so the test is exact on decimal money.

with

after_trials as (
    select * from {{ ref('int_mrr_adjusted_for_trials') }}
),

credits_monthly as (
    select * from {{ ref('int_one_time_credits_aggregated_to_months') }}
),

with_neighbours as (
    select
        after_trials.organization_id,
        after_trials.month,
        after_trials.is_newest_month,
        after_trials.mrr_after_usd as mrr_before_usd,
        coalesce(lag(after_trials.mrr_after_usd, 1) over customer_months, 0) as prior_month_mrr_usd,
        coalesce(lag(after_trials.mrr_after_usd, 2) over customer_months, 0) as second_prior_month_mrr_usd,
        lead(after_trials.mrr_after_usd, 1) over customer_months as next_month_mrr_usd,
        coalesce(credits_monthly.qualifying_credit_usd, 0) as qualifying_credit_usd
    from after_trials
    left join credits_monthly
        on
            after_trials.organization_id = credits_monthly.organization_id
            and after_trials.month = credits_monthly.month
    window customer_months as (partition by after_trials.organization_id order by after_trials.month)
),

decided as (
    select
        *,
        qualifying_credit_usd > 0
        and prior_month_mrr_usd > 0
        and qualifying_credit_usd >= {{ var('one_time_credit_min_share_of_prior_month') }} * prior_month_mrr_usd
        and next_month_mrr_usd is not null
        and 2 * next_month_mrr_usd >= prior_month_mrr_usd + second_prior_month_mrr_usd
            as is_one_time_credit_month,
        is_newest_month
        and qualifying_credit_usd > 0
        and prior_month_mrr_usd > 0
        and qualifying_credit_usd >= {{ var('one_time_credit_min_share_of_prior_month') }} * prior_month_mrr_usd
            as is_undecided
    from with_neighbours
),

adjusted as (
    select
        organization_id,
        month,
        is_newest_month,
        mrr_before_usd,
        prior_month_mrr_usd,
        second_prior_month_mrr_usd,
        next_month_mrr_usd,
        qualifying_credit_usd,
        is_one_time_credit_month,
        is_undecided,
        case
            when is_one_time_credit_month then prior_month_mrr_usd
            else mrr_before_usd
        end as mrr_after_usd
    from decided
)

select * from adjusted
