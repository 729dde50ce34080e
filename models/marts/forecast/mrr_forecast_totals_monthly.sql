-- The forecast in total per forward month: the customers forecast and their forecast adjusted MRR, beside
-- the reporting month's adjusted MRR of the same customers, by method.

with

mrr_forecast_monthly as (
    select * from {{ ref('mrr_forecast_monthly') }}
),

totals as (
    select
        forecast_month,
        horizon_months,
        origin_month,
        count(*) as customers,
        sum(origin_mrr_usd) as origin_mrr_usd,
        sum(forecast_mrr_usd) as forecast_mrr_usd,
        sum(case when forecast_method = 'contract_flat' then forecast_mrr_usd else 0 end) as contract_flat_mrr_usd,
        sum(case when forecast_method = 'trend' then forecast_mrr_usd else 0 end) as trend_mrr_usd,
        sum(case when forecast_method = 'flat' then forecast_mrr_usd else 0 end) as flat_mrr_usd
    from mrr_forecast_monthly
    group by forecast_month, horizon_months, origin_month
),

published as (
    select
        forecast_month,
        horizon_months,
        origin_month,
        cast(customers as integer) as customers,
        cast(origin_mrr_usd as decimal(18, 2)) as origin_mrr_usd,
        cast(forecast_mrr_usd as decimal(18, 2)) as forecast_mrr_usd,
        cast(contract_flat_mrr_usd as decimal(18, 2)) as contract_flat_mrr_usd,
        cast(trend_mrr_usd as decimal(18, 2)) as trend_mrr_usd,
        cast(flat_mrr_usd as decimal(18, 2)) as flat_mrr_usd
    from totals
)

select * from published
