-- Section 7, annual contracts: one row per customer and month covered by a credit
-- contract, with the contract's run rate = what the customer pays for the credits
-- (price_usd) / the contract's term in months. Upfront and amortized contracts alike:
-- price_usd is the price of the whole term. When contracts overlap, the one that
-- started last applies (as in the billing configurations).

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
        contracts.contract_id,
        contracts.start_date,
        cast(
            {{ dbt.dateadd('month', 'integers.n', dbt.date_trunc('month', 'contracts.start_date')) }} as date
        ) as month,
        contracts.price_usd,
        contracts.term_months,
        {{ divide_to_cents('contracts.price_usd', 'nullif(contracts.term_months, 0)') }} as run_rate_usd
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
        price_usd,
        term_months,
        run_rate_usd
    from contract_months_ranked
    where contract_rank = 1
)

select * from covering_contracts
