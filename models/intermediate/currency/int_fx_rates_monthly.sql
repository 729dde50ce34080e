-- Section 2, currencies: the USD value of one unit of each currency the input uses, for
-- every month of the calendar (int_months), and the same currency's rate in the
-- reporting month. Unadjusted MRR converts each month at its own rate
-- (usd_per_unit); adjusted MRR restates every month at the reporting month's rate
-- (reporting_usd_per_unit), so a move in the rate alone never shows as a change.
-- USD is 1. A month without a rate in fx_rates takes the currency's latest earlier
-- rate, and a month before the first rate the first rate (the validator refuses a
-- bill in a month without a rate, so this only fills months a currency does not bill
-- in: the months a credit purchase is spread over and a reporting month without
-- bills in the currency). rate_month is the month the rate was given for. Rates are
-- used to 8 decimals.

with

fx_rates as (
    select * from {{ ref('stg_billing__fx_rates') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

contracts as (
    select * from {{ ref('stg_billing__contracts') }}
),

months as (
    select * from {{ ref('int_months') }}
),

currencies as (
    select currency from fx_rates
    union
    select currency from invoices
    union
    select currency from contracts
    union
    select 'usd' as currency
),

currency_months as (
    select
        currencies.currency,
        months.month,
        months.reporting_month
    from currencies
    cross join months
),

latest_rate_months as (
    select
        currency_months.currency,
        currency_months.month,
        max(fx_rates.month) as rate_month
    from currency_months
    inner join fx_rates
        on
            currency_months.currency = fx_rates.currency
            and currency_months.month >= fx_rates.month
    group by currency_months.currency, currency_months.month
),

first_rate_months as (
    select
        currency,
        min(month) as rate_month
    from fx_rates
    group by currency
),

rate_months as (
    select
        currency_months.currency,
        currency_months.month,
        currency_months.reporting_month,
        coalesce(latest_rate_months.rate_month, first_rate_months.rate_month) as rate_month
    from currency_months
    left join latest_rate_months
        on
            currency_months.currency = latest_rate_months.currency
            and currency_months.month = latest_rate_months.month
    left join first_rate_months
        on currency_months.currency = first_rate_months.currency
),

rated as (
    select
        rate_months.currency,
        rate_months.month,
        rate_months.reporting_month,
        case when rate_months.currency = 'usd' then cast(null as date) else rate_months.rate_month end as rate_month,
        -- Kept to 8 decimals as an exact decimal: amount x rate then rounds to the cent
        -- exactly (a double would turn 1.005 x 1 into 1.00), and USD stays exactly 1.
        cast(
            case
                when rate_months.currency = 'usd' then 1
                else fx_rates.usd_per_unit
            end as decimal(18, 8)
        ) as usd_per_unit
    from rate_months
    left join fx_rates
        on
            rate_months.currency = fx_rates.currency
            and rate_months.rate_month = fx_rates.month
),

with_reporting_rates as (
    select
        rated.currency,
        rated.month,
        rated.rate_month,
        rated.usd_per_unit,
        rated.reporting_month,
        at_reporting_month.usd_per_unit as reporting_usd_per_unit
    from rated
    inner join rated as at_reporting_month
        on
            rated.currency = at_reporting_month.currency
            and rated.reporting_month = at_reporting_month.month
)

select * from with_reporting_rates
