-- TAM quota, run rate: one row per customer and month in which at least one credit contract
-- is in force, with the month's run rate = the sum of the run rates (credit value / term
-- months) of every contract in force (int_contracts_in_force_monthly). Overlapping contracts
-- add up, so a co-terminus expansion adds its run rate to the original's; an early renewal
-- has already ended the contract it replaces. Upfront and amortized contracts alike.
-- Currencies (docs/rules.md 2.8): the usage this run rate is compared with
-- (int_quota_invoice_amounts_monthly) is at the month's own rate, so each contract's credit
-- value is converted at that rate too, exactly, and divided by its term to the cent once. A
-- month after the reporting month (a contract's later term) has no rate yet and takes the
-- reporting month's, the currency's latest (the fill-in of int_fx_rates_monthly).

with

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force_monthly') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

reporting_month_rates as (
    select
        currency,
        usd_per_unit
    from fx_rates_monthly
    where month = reporting_month
),

contract_run_rates as (
    select
        contracts_in_force.organization_id,
        contracts_in_force.month,
        {{ divide_to_cents(
            'contracts_in_force.credit_usd * '
            ~ usd_per_unit(
                'contracts_in_force.currency',
                'coalesce(fx_rates_monthly.usd_per_unit, reporting_month_rates.usd_per_unit)',
            ),
            'nullif(contracts_in_force.term_months, 0)',
        ) }} as run_rate_usd
    from contracts_in_force
    left join fx_rates_monthly
        on
            contracts_in_force.currency = fx_rates_monthly.currency
            and contracts_in_force.month = fx_rates_monthly.month
    left join reporting_month_rates
        on contracts_in_force.currency = reporting_month_rates.currency
),

run_rates as (
    select
        organization_id,
        month,
        count(*) as count_contracts_in_force,
        cast(sum(run_rate_usd) as decimal(18, 2)) as run_rate_usd
    from contract_run_rates
    group by organization_id, month
)

select * from run_rates
