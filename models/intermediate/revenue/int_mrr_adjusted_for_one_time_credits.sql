-- Section 3, adjustment 3 (after trials): month m's revenue is set to the revenue of
-- m - 1 when it is a dip that a one-time credit explains:
--   revenue(m) < revenue(m - 1) and revenue(m - 1) > 0               (the rule repairs a dip)
--   qualifying credits and refunds for m >= 0.5 x revenue(m - 1)      (var one_time_credit_min_share_of_prior_month)
--   revenue(m + 1) >= the average of revenue(m - 1) and revenue(m - 2)
-- A credit that did not push the month below the month before changes nothing. The
-- average is over the customer's own months: a month before its first billed month
-- is not a 0 (in its second month the average is its first month). The rule reads its
-- neighbours as they come out of the trial step. The newest month has no m + 1: it is
-- left unadjusted (and flagged provisional in mrr_monthly). The average is compared
-- multiplied by the number of months averaged, so the test is exact on decimal money.

{%- set string_type = dbt.type_string() %}

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
        {{ own_neighbouring_months('after_trials.mrr_after_usd', 'customer_months') }},
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
        -- A customer's first month has no month before it (nulls): the rule cannot apply, and
        -- the published flags say false rather than nothing.
        coalesce(
            qualifying_credit_usd > 0
            and prior_month_mrr_usd > 0
            and mrr_before_usd < prior_month_mrr_usd
            and qualifying_credit_usd >= {{ var('one_time_credit_min_share_of_prior_month') }} * prior_month_mrr_usd,
            false
        ) as is_credit_dip,
        coalesce(
            next_month_mrr_usd is not null
            and next_month_mrr_usd * prior_months_count >= prior_months_sum_usd,
            false
        ) as is_recovered_next_month
    from with_neighbours
),

flagged as (
    select
        *,
        is_credit_dip and is_recovered_next_month as is_one_time_credit_month,
        is_newest_month and is_credit_dip as is_undecided
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
        qualifying_credit_usd,
        is_one_time_credit_month,
        is_undecided,
        case
            when is_one_time_credit_month then prior_month_mrr_usd
            else mrr_before_usd
        end as mrr_after_usd
    from flagged
),

described as (
    select
        *,
        case
            when is_one_time_credit_month
                then {{ null_safe_concat([
                    "'qualifying credits and refunds '",
                    'cast(qualifying_credit_usd as ' ~ string_type ~ ')',
                    "'; prior month '",
                    'cast(prior_month_mrr_usd as ' ~ string_type ~ ')',
                    "'; month before '",
                    'coalesce(cast(second_prior_month_mrr_usd as ' ~ string_type ~ "), 'none (before the first month)')",
                    "'; next month '",
                    'cast(next_month_mrr_usd as ' ~ string_type ~ ')',
                ]) }}
        end as rule_inputs
    from adjusted
)

select * from described
