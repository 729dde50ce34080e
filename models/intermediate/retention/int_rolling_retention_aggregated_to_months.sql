-- Section 5: rolling NDR and GDR for every month M and lookback k.
--   NDR = sum of MRR(M) / sum of MRR(B) over the base customers of B = M - k
--   GDR = sum of min(MRR(M), MRR(B)) / sum of MRR(B)
-- One row per month of the calendar whose base month is in the calendar too, for each
-- lookback; a month with no base customer has 0 sums and null ratios (never inf).

with

base_customers as (
    select * from {{ ref('int_rolling_retention_base_customers') }}
),

months as (
    select * from {{ ref('int_months') }}
),

lookbacks as (
    select * from {{ ref('int_retention_lookbacks') }}
),

first_calendar_month as (
    select min(month) as first_month
    from months
),

month_lookbacks as (
    select
        months.month,
        months.is_newest_month as is_provisional,
        lookbacks.lookback_months,
        cast({{ dbt.dateadd('month', '-1 * lookbacks.lookback_months', 'months.month') }} as date) as base_month
    from months
    cross join lookbacks
),

month_lookbacks_with_base_in_calendar as (
    select month_lookbacks.*
    from month_lookbacks
    inner join first_calendar_month
        on month_lookbacks.base_month >= first_calendar_month.first_month
),

base_customers_aggregated as (
    select
        month,
        lookback_months,
        count(*) as base_customers,
        count(case when is_churned then 1 end) as churned_base_customers,
        sum(base_mrr_usd) as base_mrr_usd,
        sum(current_mrr_usd) as current_mrr_usd,
        sum(capped_mrr_usd) as capped_mrr_usd,
        min(base_mrr_usd) as smallest_base_mrr_usd
    from base_customers
    group by month, lookback_months
),

joined as (
    select
        month_lookbacks_with_base_in_calendar.month,
        month_lookbacks_with_base_in_calendar.lookback_months,
        month_lookbacks_with_base_in_calendar.base_month,
        month_lookbacks_with_base_in_calendar.is_provisional,
        coalesce(base_customers_aggregated.base_customers, 0) as base_customers,
        coalesce(base_customers_aggregated.churned_base_customers, 0) as churned_base_customers,
        cast(coalesce(base_customers_aggregated.base_mrr_usd, 0) as decimal(18, 2)) as base_mrr_usd,
        cast(coalesce(base_customers_aggregated.current_mrr_usd, 0) as decimal(18, 2)) as current_mrr_usd,
        cast(coalesce(base_customers_aggregated.capped_mrr_usd, 0) as decimal(18, 2)) as capped_mrr_usd,
        cast(base_customers_aggregated.smallest_base_mrr_usd as decimal(18, 2)) as smallest_base_mrr_usd
    from month_lookbacks_with_base_in_calendar
    left join base_customers_aggregated
        on
            month_lookbacks_with_base_in_calendar.month = base_customers_aggregated.month
            and month_lookbacks_with_base_in_calendar.lookback_months = base_customers_aggregated.lookback_months
),

with_ratios as (
    select
        *,
        cast(current_mrr_usd as double) / nullif(cast(base_mrr_usd as double), 0) as ndr,
        cast(capped_mrr_usd as double) / nullif(cast(base_mrr_usd as double), 0) as gdr
    from joined
)

select * from with_ratios
