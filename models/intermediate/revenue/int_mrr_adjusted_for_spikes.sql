-- Section 3, adjustment 4 (after one-time credits): month m is a spike when all hold
--   revenue(m) > 2 x the average of revenue(m - 1) and revenue(m - 2)   (var spike_min_ratio_to_prior_average)
--   revenue(m) - that average >= $1,000                                (var spike_min_increase_usd)
--   revenue(m + 1) <= 0.5 x revenue(m)                                 (var spike_max_next_month_share)
-- and a spike month's revenue is set to that average (rounded to the cent, half away
-- from zero). The previous two months are the customer's own: a month before its
-- first billed month is not a 0 (in its second month the average is its first month,
-- so 1,000 -> 3,100 -> 1,000 is a spike brought back to 1,000). A customer needs
-- positive revenue in one of the two previous months, so a first bill is never a
-- spike. The newest month has no m + 1 and is left as it is. Conditions are compared
-- on the average multiplied by the number of months averaged, so they are exact.

{%- set string_type = dbt.type_string() %}

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
        {{ own_neighbouring_months('mrr_after_usd', 'customer_months') }}
    from after_one_time_credits
    window customer_months as (partition by organization_id order by month)
),

decided as (
    select
        *,
        coalesce(
            (coalesce(prior_month_mrr_usd, 0) > 0 or coalesce(second_prior_month_mrr_usd, 0) > 0)
            and prior_months_count * mrr_before_usd
            > {{ var('spike_min_ratio_to_prior_average') }} * prior_months_sum_usd
            and prior_months_count * mrr_before_usd - prior_months_sum_usd
            >= prior_months_count * {{ var('spike_min_increase_usd') }},
            false
        ) as is_spike_before_next_month
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
        prior_months_count,
        case
            when prior_months_count > 0 then {{ divide_to_cents('prior_months_sum_usd', 'prior_months_count') }}
        end as prior_two_month_average_usd,
        is_spike_month,
        is_undecided,
        case
            when is_spike_month then {{ divide_to_cents('prior_months_sum_usd', 'prior_months_count') }}
            else mrr_before_usd
        end as mrr_after_usd
    from confirmed
),

described as (
    select
        *,
        case
            when is_spike_month
                then {{ null_safe_concat([
                    "'prior month '",
                    'cast(prior_month_mrr_usd as ' ~ string_type ~ ')',
                    "'; month before '",
                    'coalesce(cast(second_prior_month_mrr_usd as ' ~ string_type ~ "), 'none (before the first month)')",
                    "'; average '",
                    'cast(prior_two_month_average_usd as ' ~ string_type ~ ')',
                    "'; next month '",
                    'cast(next_month_mrr_usd as ' ~ string_type ~ ')',
                ]) }}
        end as rule_inputs
    from adjusted
)

select * from described
