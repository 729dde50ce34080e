-- Section 7, annual contracts: one row per customer and month covered by a credit
-- contract, with the contract's run rate = what the customer pays for the credits
-- (price_usd) / the contract's term in months. Upfront and amortized contracts alike:
-- price_usd is the price of the whole term. When contracts overlap, the one that
-- started last applies (int_contracts_expanded_to_months).

with

covering_contracts as (
    select * from {{ ref('int_contracts_expanded_to_months') }}
),

run_rates as (
    select
        organization_id,
        month,
        contract_id,
        price_usd,
        term_months,
        {{ divide_to_cents('price_usd', 'nullif(term_months, 0)') }} as run_rate_usd
    from covering_contracts
)

select * from run_rates
