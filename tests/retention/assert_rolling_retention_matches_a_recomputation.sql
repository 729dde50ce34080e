-- Section 5: retention_rolling_monthly agrees, in decimal money, with a recomputation
-- straight from int_mrr_adjusted_monthly that pairs every customer-month with the same
-- customer's later months (a different path from the models': a self-join on a month
-- index built from year and month instead of adding k to the base month). Base
-- customers clear the ARR floor; a churned one counts 0; a customer without MRR in B
-- never enters.
-- Returns the month-lookbacks whose counts or sums differ.

with

rolling_retention as (
    select * from {{ ref('retention_rolling_monthly') }}
),

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

base_and_current_months as (
    select
        current_month.month,
        base_month.organization_id,
        (extract(year from current_month.month) * 12 + extract(month from current_month.month))
        - (extract(year from base_month.month) * 12 + extract(month from base_month.month)) as lookback_months,
        base_month.adjusted_mrr_usd as base_mrr_usd,
        current_month.adjusted_mrr_usd as current_mrr_usd
    from customer_months_adjusted as base_month
    inner join customer_months_adjusted as current_month
        on
            base_month.organization_id = current_month.organization_id
            and base_month.month < current_month.month
    where
        base_month.adjusted_mrr_usd > 0
        and base_month.adjusted_mrr_usd * 12 >= {{ var('retention_min_base_arr_usd') }}
),

recomputed as (
    select
        month,
        lookback_months,
        count(*) as base_customers,
        sum(base_mrr_usd) as base_mrr_usd,
        sum(current_mrr_usd) as current_mrr_usd,
        sum(case when current_mrr_usd < base_mrr_usd then current_mrr_usd else base_mrr_usd end) as capped_mrr_usd
    from base_and_current_months
    where lookback_months in ({{ retention_lookback_months() | join(', ') }})
    group by month, lookback_months
),

compared as (
    select
        rolling_retention.month,
        rolling_retention.lookback_months,
        rolling_retention.base_customers,
        recomputed.base_customers as recomputed_base_customers,
        rolling_retention.base_mrr_usd,
        recomputed.base_mrr_usd as recomputed_base_mrr_usd,
        rolling_retention.current_mrr_usd,
        recomputed.current_mrr_usd as recomputed_current_mrr_usd,
        rolling_retention.capped_mrr_usd,
        recomputed.capped_mrr_usd as recomputed_capped_mrr_usd
    from rolling_retention
    full outer join recomputed
        on
            rolling_retention.month = recomputed.month
            and rolling_retention.lookback_months = recomputed.lookback_months
),

failing as (
    select * from compared
    where
        month is null
        or coalesce(base_customers, 0) <> coalesce(recomputed_base_customers, 0)
        or coalesce(base_mrr_usd, 0) <> coalesce(recomputed_base_mrr_usd, 0)
        or coalesce(current_mrr_usd, 0) <> coalesce(recomputed_current_mrr_usd, 0)
        or coalesce(capped_mrr_usd, 0) <> coalesce(recomputed_capped_mrr_usd, 0)
)

select * from failing
