-- Sections 2, 3 and 7: the credit contract covering each customer-month, for the billing
-- configuration and the annual plan adjustment. Among the contracts in force in the month
-- (int_contracts_in_force_monthly, where an early renewal has already ended the contract it
-- replaces), the one that started last covers it. Quota run rates add up every contract in
-- force instead (int_quota_contract_run_rates_monthly).

with

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force_monthly') }}
),

contract_months_ranked as (
    select
        *,
        row_number() over (
            partition by organization_id, month
            order by start_date desc, contract_id desc
        ) as contract_rank
    from contracts_in_force
),

covering_contracts as (
    select
        organization_id,
        month,
        contract_id,
        start_date,
        discount,
        price_usd,
        term_months,
        payment_cadence_months,
        case
            when payment_cadence_months >= 12 then 'enterprise_yearly'
            else 'enterprise_amortized'
        end as contract_configuration
    from contract_months_ranked
    where contract_rank = 1
)

select * from covering_contracts
