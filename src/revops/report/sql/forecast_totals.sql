select
    forecast_month,
    horizon_months,
    origin_month,
    customers,
    origin_mrr_usd,
    forecast_mrr_usd,
    contract_flat_mrr_usd,
    trend_mrr_usd,
    flat_mrr_usd
from marts.mrr_forecast_totals_monthly
order by forecast_month
