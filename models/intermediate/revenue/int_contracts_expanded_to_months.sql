-- Sections 2, 3 and 7: the credit contract covering each customer-month. A contract
-- covers term_months months from the month of its start date; where contracts
-- overlap (a renewal signed early), the one that started last applies. Read by the
-- billing configurations (and so the annual plan adjustment) and the quota run rates.

with

contracts as (
    select * from {{ ref('stg_billing__contracts') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

integers as (
    select n from {{ integers(3) }} as integers
),

contract_months as (
    select
        organizations_consolidated.consolidated_organization_id as organization_id,
        cast(
            {{ dbt.dateadd('month', 'integers.n', dbt.date_trunc('month', 'contracts.start_date')) }} as date
        ) as month,
        contracts.contract_id,
        contracts.start_date,
        contracts.discount,
        contracts.price_usd,
        contracts.term_months,
        contracts.payment_cadence_months,
        case
            when contracts.payment_cadence_months >= 12 then 'enterprise_yearly'
            else 'enterprise_amortized'
        end as contract_configuration
    from contracts
    inner join organizations_consolidated
        on contracts.organization_id = organizations_consolidated.organization_id
    inner join integers
        on contracts.term_months > integers.n
),

contract_months_ranked as (
    select
        *,
        row_number() over (
            partition by organization_id, month
            order by start_date desc, contract_id desc
        ) as contract_rank
    from contract_months
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
        contract_configuration
    from contract_months_ranked
    where contract_rank = 1
)

select * from covering_contracts
