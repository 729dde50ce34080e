-- Renewals: the credits each credit contract had drawn from it per month, for its credit runway.
-- Prepaid credits are drawn by the usage invoices of the contract's usage billing account: what a
-- recognised usage invoice whose period starts in the month applied as credit, less the one-time credits
-- (promo, incident, ...) granted to that account for the month, which the same field also carries.
-- Where several contracts are in force on one usage account in a month (a co-terminus expansion beside
-- the original), the one that started last draws, as it covers the month for revenue
-- (int_contracts_expanded_to_months). One row per contract and month it is in force, up to the
-- reporting month. Amounts are in the contract's currency (`currency`), which is that of its
-- accounts' invoices (the validator refuses a contract in another).

with

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force_monthly') }}
),

contracts as (
    select * from {{ ref('stg_billing__contracts') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

credits as (
    select * from {{ ref('stg_billing__credits') }}
),

months as (
    select * from {{ ref('int_months') }}
),

contract_months as (
    select
        contracts_in_force.contract_id,
        contracts_in_force.organization_id,
        contracts_in_force.month,
        contracts_in_force.start_date,
        contracts_in_force.term_months,
        contracts_in_force.credit_usd,
        contracts_in_force.currency,
        contracts.usage_billing_customer_id,
        months.is_newest_month as is_provisional
    from contracts_in_force
    inner join contracts
        on contracts_in_force.contract_id = contracts.contract_id
    inner join months
        on contracts_in_force.month = months.month
),

drawing_contracts_ranked as (
    select
        *,
        row_number() over (
            partition by usage_billing_customer_id, month
            order by start_date desc, contract_id desc
        ) as drawing_rank
    from contract_months
),

credits_applied_monthly as (
    select
        billing_customer_id,
        cast({{ dbt.date_trunc('month', 'period_start_date') }} as date) as month,
        sum(credit_applied_usd) as credit_applied_usd
    from invoices
    where
        invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoice_type = 'usage'
    group by billing_customer_id, cast({{ dbt.date_trunc('month', 'period_start_date') }} as date)
),

one_time_credits_monthly as (
    select
        billing_customer_id,
        cast({{ dbt.date_trunc('month', 'applies_to_month') }} as date) as month,
        sum(amount_usd) as one_time_credit_usd
    from credits
    group by billing_customer_id, cast({{ dbt.date_trunc('month', 'applies_to_month') }} as date)
),

drawn as (
    select
        drawing_contracts_ranked.contract_id,
        drawing_contracts_ranked.organization_id,
        drawing_contracts_ranked.month,
        drawing_contracts_ranked.start_date,
        drawing_contracts_ranked.term_months,
        drawing_contracts_ranked.credit_usd,
        drawing_contracts_ranked.currency,
        drawing_contracts_ranked.usage_billing_customer_id,
        drawing_contracts_ranked.drawing_rank = 1 as is_drawing_contract,
        coalesce(credits_applied_monthly.credit_applied_usd, 0) as credit_applied_usd,
        coalesce(one_time_credits_monthly.one_time_credit_usd, 0) as one_time_credit_usd,
        drawing_contracts_ranked.is_provisional
    from drawing_contracts_ranked
    left join credits_applied_monthly
        on
            drawing_contracts_ranked.usage_billing_customer_id = credits_applied_monthly.billing_customer_id
            and drawing_contracts_ranked.month = credits_applied_monthly.month
    left join one_time_credits_monthly
        on
            drawing_contracts_ranked.usage_billing_customer_id = one_time_credits_monthly.billing_customer_id
            and drawing_contracts_ranked.month = one_time_credits_monthly.month
),

credits_drawn as (
    select
        contract_id,
        organization_id,
        month,
        start_date,
        term_months,
        credit_usd,
        currency,
        usage_billing_customer_id,
        is_drawing_contract,
        case
            when not is_drawing_contract then cast(0 as decimal(18, 2))
            when credit_applied_usd > one_time_credit_usd
                then cast(credit_applied_usd - one_time_credit_usd as decimal(18, 2))
            else cast(0 as decimal(18, 2))
        end as credits_drawn_usd,
        is_provisional
    from drawn
)

select * from credits_drawn
