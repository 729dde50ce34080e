-- Forecast: from every month as an origin, each customer paying that month (adjusted MRR above 0) is
-- forecast `forecast_horizon_months` (2) months ahead:
--   contract_flat  a customer whose month is covered by a credit contract is held flat at its adjusted MRR
--                  (its run rate: what it prepaid for, valued at list price);
--   trend          any other customer with `forecast_trend_months` (3) months of history before the origin
--                  continues its average monthly change over them: MRR + h x (MRR - MRR 3 months before) / 3,
--                  never below 0;
--   flat           a customer with a shorter history (its first months are partial) is held flat.
-- New customers are not forecast: the forecast is of the existing book. Every origin is kept so the
-- backtest can compare each with what happened; the published forecast is the reporting month's.

with

mrr_adjusted_monthly as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

contracts_expanded as (
    select * from {{ ref('int_contracts_expanded_to_months') }}
),

integers as (
    select n from {{ integers(2) }} as integers
),

origins as (
    select
        origin.organization_id,
        origin.month as origin_month,
        origin.adjusted_mrr_usd as origin_mrr_usd,
        trend_start.adjusted_mrr_usd as trend_start_mrr_usd,
        contracts_expanded.contract_id is not null as is_contract_month
    from mrr_adjusted_monthly as origin
    left join mrr_adjusted_monthly as trend_start
        on
            origin.organization_id = trend_start.organization_id
            and trend_start.month
            = cast({{ dbt.dateadd('month', -var('forecast_trend_months'), 'origin.month') }} as date)
    left join contracts_expanded
        on
            origin.organization_id = contracts_expanded.organization_id
            and origin.month = contracts_expanded.month
    where origin.adjusted_mrr_usd > 0
),

methods as (
    select
        *,
        case
            when is_contract_month then 'contract_flat'
            when trend_start_mrr_usd is not null then 'trend'
            else 'flat'
        end as forecast_method
    from origins
),

horizons as (
    select
        methods.organization_id,
        methods.origin_month,
        cast(integers.n as integer) as horizon_months,
        cast({{ dbt.dateadd('month', 'integers.n', 'methods.origin_month') }} as date) as forecast_month,
        methods.forecast_method,
        methods.origin_mrr_usd,
        methods.trend_start_mrr_usd,
        -- The trend's forecast x 3, in cents, so it divides once and exactly.
        ({{ var('forecast_trend_months') }} + integers.n) * methods.origin_mrr_usd
        - integers.n * coalesce(methods.trend_start_mrr_usd, 0) as trend_numerator_usd
    from methods
    inner join integers
        on integers.n between 1 and {{ var('forecast_horizon_months') }}
),

forecasts as (
    select
        organization_id,
        origin_month,
        horizon_months,
        forecast_month,
        forecast_method,
        origin_mrr_usd,
        case
            when forecast_method <> 'trend' then origin_mrr_usd
            when trend_numerator_usd <= 0 then cast(0 as decimal(18, 2))
            else {{ divide_to_cents('trend_numerator_usd', var('forecast_trend_months')) }}
        end as forecast_mrr_usd
    from horizons
)

select * from forecasts
