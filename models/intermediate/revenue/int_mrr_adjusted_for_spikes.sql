-- Section 3, adjustment 4 (after one-time credits): month m is a spike when all hold
--   revenue(m) > 2 x the average of revenue(m - 1) and revenue(m - 2)   (var spike_min_ratio_to_prior_average)
--   revenue(m) - that average >= $1,000                                (var spike_min_increase_usd)
--   revenue(m + 1) <= 0.5 x revenue(m)                                 (var spike_max_next_month_share)
-- and a spike month's revenue is set to that average (rounded to the cent).
-- Decision: revenue(m - 1) or revenue(m - 2) must be positive, so a new customer's
-- first bill is never a spike. The newest month has no m + 1 and is left as it is.
-- Conditions are compared on doubled averages, so they are exact on decimal money.

with

after_one_time_credits as (
    select * from {{ ref('int_mrr_adjusted_for_one_time_credits') }}
),

with_neighbours as (
    select
        organization_id,
        month,
        is_newest_month,
        mrr_after_usd as mrr_before_usd,
        coalesce(lag(mrr_after_usd, 1) over customer_months, 0) as prior_month_mrr_usd,
        coalesce(lag(mrr_after_usd, 2) over customer_months, 0) as second_prior_month_mrr_usd,
        lead(mrr_after_usd, 1) over customer_months as next_month_mrr_usd
    from after_one_time_credits
    window customer_months as (partition by organization_id order by month)
),

decided as (
    select
        *,
        prior_month_mrr_usd + second_prior_month_mrr_usd as prior_two_month_sum_usd,
        (prior_month_mrr_usd > 0 or second_prior_month_mrr_usd > 0)
        and 2 * mrr_before_usd > {{ var('spike_min_ratio_to_prior_average') }}
        * (prior_month_mrr_usd + second_prior_month_mrr_usd)
        and 2 * mrr_before_usd - (prior_month_mrr_usd + second_prior_month_mrr_usd)
        >= 2 * {{ var('spike_min_increase_usd') }}
            as is_spike_before_next_month
    from with_neighbours
),

confirmed as (
    select
        *,
        is_spike_before_next_month
        and next_month_mrr_usd is not null
        and next_month_mrr_usd <= {{ var('spike_max_next_month_share') }} * mrr_before_usd
            as is_spike_month,
        is_spike_before_next_month and next_month_mrr_usd is null as is_undecided
    from decided
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
        cast(prior_two_month_sum_usd * 0.5 as decimal(18, 2)) as prior_two_month_average_usd,
        is_spike_month,
        is_undecided,
        case
            when is_spike_month then cast(prior_two_month_sum_usd * 0.5 as decimal(18, 2))
            else mrr_before_usd
        end as mrr_after_usd
    from confirmed
)

select * from adjusted
