-- The forecast, per customer and forward month: the `forecast_horizon_months` (2) months after the
-- reporting month, for each customer paying in the reporting month, by its method (contract_flat, trend
-- or flat; int_mrr_forecasts). Published apart from the actuals: no actual table holds a forecast month.

with

mrr_forecasts as (
    select * from {{ ref('int_mrr_forecasts') }}
),

months as (
    select * from {{ ref('int_months') }}
),

reporting_month_forecasts as (
    select mrr_forecasts.*
    from mrr_forecasts
    inner join months
        on mrr_forecasts.origin_month = months.month
    where months.is_newest_month
),

published as (
    select
        organization_id,
        forecast_month,
        horizon_months,
        origin_month,
        cast(forecast_method as {{ dbt.type_string() }}) as forecast_method,
        origin_mrr_usd,
        forecast_mrr_usd
    from reporting_month_forecasts
)

select * from published
