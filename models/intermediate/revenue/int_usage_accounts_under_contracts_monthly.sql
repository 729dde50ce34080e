-- Sections 2 and 3: the contract whose credits pay each usage billing account's bills,
-- by month. A credit contract names the billing account its usage is billed on; in the
-- months the contract is in force (int_contracts_in_force_monthly) that account's usage
-- lines are valued at the contract's price, x (1 - discount), and the annual plan step
-- takes that discount back off. Only that account: another account of the same customer
-- (a pay-as-you-go child team) keeps its own prices. Where several contracts in force
-- bill their usage to the same account, the one that started last applies, as for the
-- month's billing configuration.

with

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force_monthly') }}
),

contracts as (
    select * from {{ ref('stg_billing__contracts') }}
),

usage_account_months as (
    select
        contracts.usage_billing_customer_id as billing_customer_id,
        contracts_in_force.month,
        contracts_in_force.contract_id,
        contracts_in_force.start_date,
        contracts_in_force.discount as contract_discount
    from contracts_in_force
    inner join contracts
        on contracts_in_force.contract_id = contracts.contract_id
    where contracts.usage_billing_customer_id is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by billing_customer_id, month
            order by start_date desc, contract_id desc
        ) as contract_rank
    from usage_account_months
),

applying as (
    select
        billing_customer_id,
        month,
        contract_id,
        contract_discount
    from ranked
    where contract_rank = 1
)

select * from applying
