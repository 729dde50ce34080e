-- Section 2, the period a credit purchase pays for: every credit contract is paid in
-- periods of payment_cadence_months months; the k-th period runs from
-- start_date + (k - 1) x cadence to the next period's start, and the last one ends
-- with the term (a term that is not a whole number of cadences ends with a shorter
-- period). `first_month` and `months_covered` are the calendar months the payment
-- is spread over, counted from the month of the period's start like the contract's
-- own months. `period_price_usd` is the part of the contract's price the period stands
-- for (price x the period's months / term, to the cent): what one instalment costs, so
-- a credit purchase can be matched to the contract it pays.

with

contracts as (
    select * from {{ ref('stg_billing__contracts') }}
),

integers as (
    select n from {{ integers(3) }} as integers
),

period_bounds as (
    select
        contracts.contract_id,
        contracts.credits_billing_customer_id,
        contracts.start_date as contract_start_date,
        contracts.payment_cadence_months,
        contracts.price_usd,
        contracts.term_months,
        integers.n + 1 as period_number,
        integers.n * contracts.payment_cadence_months as months_from_start,
        case
            when (integers.n + 1) * contracts.payment_cadence_months < contracts.term_months
                then (integers.n + 1) * contracts.payment_cadence_months
            else contracts.term_months
        end as months_from_start_to_next
    from contracts
    inner join integers
        on integers.n * contracts.payment_cadence_months < contracts.term_months
),

periods as (
    select
        contract_id,
        credits_billing_customer_id,
        contract_start_date,
        payment_cadence_months,
        period_number,
        {{ divide_to_cents('price_usd * (months_from_start_to_next - months_from_start)', 'term_months') }}
            as period_price_usd,
        cast({{ dbt.dateadd('month', 'months_from_start', 'contract_start_date') }} as date) as period_start_date,
        cast({{ dbt.dateadd('month', 'months_from_start_to_next', 'contract_start_date') }} as date)
            as next_period_start_date
    from period_bounds
),

with_months as (
    select
        *,
        cast({{ dbt.date_trunc('month', 'period_start_date') }} as date) as first_month,
        {{ months_between('period_start_date', 'next_period_start_date') }}
            as months_covered
    from periods
)

select * from with_months
