-- The forecast's backtest: the same method run from every past month as the origin, compared with what the
-- forecast customers' adjusted MRR turned out to be in each forecast month up to the reporting month (0 for
-- one that churned). Per origin month and horizon: forecast, actual, the error of the total and the
-- customers' absolute errors added up (WAPE = absolute error / actual). New customers are outside the
-- forecast and outside the actual here, so the error is the method's, not the arrival of new business.

with

mrr_forecasts as (
    select * from {{ ref('int_mrr_forecasts') }}
),

mrr_adjusted_monthly as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

compared as (
    select
        mrr_forecasts.origin_month,
        mrr_forecasts.horizon_months,
        mrr_forecasts.forecast_month,
        mrr_forecasts.forecast_mrr_usd,
        coalesce(mrr_adjusted_monthly.adjusted_mrr_usd, 0) as actual_mrr_usd,
        months.is_newest_month as is_provisional
    from mrr_forecasts
    inner join months
        on mrr_forecasts.forecast_month = months.month
    left join mrr_adjusted_monthly
        on
            mrr_forecasts.organization_id = mrr_adjusted_monthly.organization_id
            and mrr_forecasts.forecast_month = mrr_adjusted_monthly.month
),

aggregated as (
    select
        origin_month,
        horizon_months,
        forecast_month,
        count(*) as customers,
        sum(forecast_mrr_usd) as forecast_mrr_usd,
        sum(actual_mrr_usd) as actual_mrr_usd,
        sum(
            case
                when forecast_mrr_usd >= actual_mrr_usd then forecast_mrr_usd - actual_mrr_usd
                else actual_mrr_usd - forecast_mrr_usd
            end
        ) as absolute_error_usd,
        max(case when is_provisional then 1 else 0 end) = 1 as is_provisional
    from compared
    group by origin_month, horizon_months, forecast_month
),

published as (
    select
        origin_month,
        horizon_months,
        forecast_month,
        cast(customers as integer) as customers,
        cast(forecast_mrr_usd as decimal(18, 2)) as forecast_mrr_usd,
        cast(actual_mrr_usd as decimal(18, 2)) as actual_mrr_usd,
        cast(forecast_mrr_usd - actual_mrr_usd as decimal(18, 2)) as error_usd,
        cast(absolute_error_usd as decimal(18, 2)) as absolute_error_usd,
        cast(forecast_mrr_usd - actual_mrr_usd as double) / nullif(cast(actual_mrr_usd as double), 0) as error_share,
        cast(absolute_error_usd as double) / nullif(cast(actual_mrr_usd as double), 0) as wape,
        is_provisional
    from aggregated
)

select * from published
