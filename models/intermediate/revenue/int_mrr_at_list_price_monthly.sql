-- Section 3, adjustment 5 inputs: what each customer-month's attributed revenue is worth
-- at list price. Every attributed row (int_invoices_attributed_to_months) carries the
-- discount of the contract it belongs to: a credit purchase the discount of the contract
-- it pays (int_credit_purchases_assigned_to_periods), a usage invoice the discount of the
-- contract whose credits pay its account's bills (int_usage_accounts_under_contracts_monthly),
-- anything else 0. The rows are taken in constant currency (constant_mrr_usd, at the
-- reporting month's rate), the currency the value they scale is in: a ratio of amounts
-- at each month's own rate would weigh a month's currencies differently from the value
-- after spikes. Per customer-month and discount, the rows' sum at list price is
-- sum / (1 - discount), to the cent; `list_price_usd` adds these up and `billed_usd` the
-- rows themselves; `single_contract_discount` is the discount when every row has the same
-- one (empty when they differ). Rows of organizations in their trial months, and rows
-- of 0, are left out. The annual plan step divides the month's value by
-- (1 - single_contract_discount), or, where discounts differ, multiplies it by
-- list_price_usd / billed_usd, so overlapping contracts each count at their own discount
-- and an account outside every contract at its own price.

{%- set string_type = dbt.type_string() %}

with

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

credit_purchases_assigned as (
    select * from {{ ref('int_credit_purchases_assigned_to_periods') }}
),

contracts as (
    select * from {{ ref('stg_billing__contracts') }}
),

usage_accounts_under_contracts as (
    select * from {{ ref('int_usage_accounts_under_contracts_monthly') }}
),

trial_organizations_monthly as (
    select * from {{ ref('int_trial_organizations_monthly') }}
),

rows_with_contracts as (
    select
        invoices_attributed.organization_id,
        invoices_attributed.month,
        invoices_attributed.constant_mrr_usd,
        case
            when invoices_attributed.invoice_type = 'credit_purchase' then credit_purchases_assigned.contract_id
            else usage_accounts_under_contracts.contract_id
        end as contract_id
    from invoices_attributed
    left join credit_purchases_assigned
        on invoices_attributed.invoice_id = credit_purchases_assigned.invoice_id
    left join usage_accounts_under_contracts
        on
            invoices_attributed.billing_customer_id = usage_accounts_under_contracts.billing_customer_id
            and invoices_attributed.month = usage_accounts_under_contracts.month
    left join trial_organizations_monthly
        on
            invoices_attributed.source_organization_id = trial_organizations_monthly.trial_organization_id
            and invoices_attributed.month = trial_organizations_monthly.month
    where
        trial_organizations_monthly.trial_organization_id is null
        and invoices_attributed.constant_mrr_usd <> 0
),

rows_with_discounts as (
    select
        rows_with_contracts.organization_id,
        rows_with_contracts.month,
        rows_with_contracts.constant_mrr_usd,
        rows_with_contracts.contract_id,
        coalesce(contracts.discount, 0) as contract_discount
    from rows_with_contracts
    left join contracts
        on rows_with_contracts.contract_id = contracts.contract_id
),

per_discount as (
    select
        organization_id,
        month,
        contract_discount,
        min(contract_id) as contract_id,
        cast(sum(constant_mrr_usd) as decimal(18, 2)) as billed_usd
    from rows_with_discounts
    group by organization_id, month, contract_discount
),

per_discount_at_list_price as (
    select
        *,
        case
            when contract_discount > 0 then {{ divide_to_cents('billed_usd', '1 - contract_discount') }}
            else billed_usd
        end as list_price_usd,
        case
            when contract_discount > 0
                then {{ null_safe_concat([
                    "'contract '",
                    'contract_id',
                    "' discount '",
                    'cast(contract_discount as ' ~ string_type ~ ')',
                    "': '",
                    'cast(billed_usd as ' ~ string_type ~ ')',
                ]) }}
        end as discount_inputs
    from per_discount
),

per_month as (
    select
        organization_id,
        month,
        cast(sum(billed_usd) as decimal(18, 2)) as billed_usd,
        cast(sum(list_price_usd) as decimal(18, 2)) as list_price_usd,
        case when min(contract_discount) = max(contract_discount) then max(contract_discount) end
            as single_contract_discount,
        {{ dbt.listagg('discount_inputs', "'; '", 'order by contract_discount desc') }} as discount_inputs
    from per_discount_at_list_price
    group by organization_id, month
)

select * from per_month
