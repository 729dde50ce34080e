-- Sections 2, 3 and 7: one row per credit contract and month in which it is in force.
-- A contract is in force for term_months months from the month of its start date, except
-- that a contract named by another's replaces_contract_id (an early renewal) stops in the
-- month the renewal starts: from then on only the renewal counts. Contracts that overlap
-- without replacing each other (a co-terminus expansion order form beside the original)
-- are all in force.
-- The run rate is what the contract prepaid per month at list price, the same units as
-- invoiced usage: credit value / term months (a $150k credit bought for $120k runs at
-- $12.5k a month), in cents.

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

replacements as (
    select
        replaces_contract_id as contract_id,
        cast(min({{ dbt.date_trunc('month', 'start_date') }}) as date) as replaced_from_month
    from contracts
    where replaces_contract_id is not null
    group by replaces_contract_id
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
        contracts.credit_usd,
        contracts.price_usd,
        contracts.term_months,
        contracts.payment_cadence_months,
        contracts.replaces_contract_id,
        contracts.currency,
        replacements.replaced_from_month
    from contracts
    inner join organizations_consolidated
        on contracts.organization_id = organizations_consolidated.organization_id
    inner join integers
        on contracts.term_months > integers.n
    left join replacements
        on contracts.contract_id = replacements.contract_id
),

in_force as (
    select
        organization_id,
        month,
        contract_id,
        start_date,
        discount,
        credit_usd,
        price_usd,
        term_months,
        payment_cadence_months,
        replaces_contract_id,
        currency,
        replaced_from_month,
        {{ divide_to_cents('credit_usd', 'nullif(term_months, 0)') }} as run_rate_usd
    from contract_months
    where replaced_from_month is null or month < replaced_from_month
)

select * from in_force
