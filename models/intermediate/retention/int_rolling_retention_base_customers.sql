-- Section 5: for every month M, lookback k (3, 6 and 12:
-- macros/retention_lookback_months.sql) and base customer, the adjusted MRR of the base
-- month B = M - k and of M.
--   base customer   adjusted MRR(B) > 0 and adjusted MRR(B) x 12 >= var retention_min_base_arr_usd
--   current MRR     adjusted MRR(M); 0 for a base customer who churned (it still counts)
--   capped MRR      min(MRR(M), MRR(B)), for GDR
-- A customer who starts after B is never a base customer for M, so it never enters.
-- Only months M up to the reporting month (the calendar's end) are produced.

with

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

lookbacks as (
    select * from {{ ref('int_retention_lookbacks') }}
),

base_customer_months as (
    select
        organization_id,
        month as base_month,
        adjusted_mrr_usd as base_mrr_usd
    from customer_months_adjusted
    where
        adjusted_mrr_usd > 0
        and adjusted_mrr_usd * 12 >= {{ var('retention_min_base_arr_usd') }}
),

base_customers_per_lookback as (
    select
        base_customer_months.organization_id,
        base_customer_months.base_month,
        base_customer_months.base_mrr_usd,
        lookbacks.lookback_months,
        cast({{ dbt.dateadd('month', 'lookbacks.lookback_months', 'base_customer_months.base_month') }} as date)
            as month
    from base_customer_months
    cross join lookbacks
),

within_calendar as (
    select
        base_customers_per_lookback.*,
        months.is_newest_month as is_provisional
    from base_customers_per_lookback
    inner join months
        on base_customers_per_lookback.month = months.month
),

compared as (
    select
        within_calendar.month,
        within_calendar.lookback_months,
        within_calendar.base_month,
        within_calendar.organization_id,
        within_calendar.is_provisional,
        within_calendar.base_mrr_usd,
        cast(coalesce(customer_months_adjusted.adjusted_mrr_usd, 0) as decimal(18, 2)) as current_mrr_usd
    from within_calendar
    left join customer_months_adjusted
        on
            within_calendar.organization_id = customer_months_adjusted.organization_id
            and within_calendar.month = customer_months_adjusted.month
),

capped as (
    select
        *,
        case
            when current_mrr_usd < base_mrr_usd then current_mrr_usd
            else base_mrr_usd
        end as capped_mrr_usd,
        current_mrr_usd = 0 as is_churned
    from compared
)

select * from capped
