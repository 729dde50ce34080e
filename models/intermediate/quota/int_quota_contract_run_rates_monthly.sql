-- TAM quota, run rate: one row per customer and month in which at least one credit contract
-- is in force, with the month's run rate = the sum of the run rates (credit value / term
-- months) of every contract in force (int_contracts_in_force_monthly). Overlapping contracts
-- add up, so a co-terminus expansion adds its run rate to the original's; an early renewal
-- has already ended the contract it replaces. Upfront and amortized contracts alike.

with

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force_monthly') }}
),

run_rates as (
    select
        organization_id,
        month,
        count(*) as count_contracts_in_force,
        cast(sum(run_rate_usd) as decimal(18, 2)) as run_rate_usd
    from contracts_in_force
    group by organization_id, month
)

select * from run_rates
