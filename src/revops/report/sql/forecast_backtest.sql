select
    origin_month,
    horizon_months,
    forecast_month,
    forecast_mrr_usd,
    actual_mrr_usd,
    error_share,
    wape
from marts.mrr_forecast_backtest
order by origin_month desc, horizon_months asc
limit $rows
