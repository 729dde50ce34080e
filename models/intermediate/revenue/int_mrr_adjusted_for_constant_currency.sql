-- Section 2 (Currencies), the constant-currency step of section 3, right after
-- consolidation: unadjusted MRR converts each month at its own rate; from here on every
-- month of a customer is restated at the reporting month's rate
-- (int_invoices_attributed_to_months.constant_mrr_usd), so a move in exchange rates
-- alone never shows as expansion or contraction. The step applies to a customer-month
-- with an amount in a currency other than USD; rule_inputs shows each such currency
-- with its amount in that currency, the month's rate and the reporting month's rate.


with

after_consolidation as (
    select * from {{ ref('int_mrr_adjusted_for_consolidation') }}
),

customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
),

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

foreign_currency_amounts as (
    select
        organization_id,
        month,
        currency,
        sum(mrr_in_currency) as mrr_in_currency,
        max(usd_per_unit) as usd_per_unit,
        max(reporting_usd_per_unit) as reporting_usd_per_unit
    from invoices_attributed
    where currency <> 'usd'
    group by organization_id, month, currency
),

described_currencies as (
    select
        organization_id,
        month,
        {{ currency_restatement('mrr_in_currency') }} as currency_restatement
    from foreign_currency_amounts
),

restated_currencies as (
    select
        organization_id,
        month,
        {{ dbt.listagg(
            "currency_restatement",
            "'; '",
            "order by currency_restatement",
        ) }} as restated_currencies
    from described_currencies
    group by organization_id, month
),

adjusted as (
    select
        after_consolidation.organization_id,
        after_consolidation.month,
        after_consolidation.is_newest_month,
        after_consolidation.mrr_after_usd as mrr_before_usd,
        restated_currencies.month is not null as is_restated_to_constant_currency,
        case
            when restated_currencies.month is not null then customer_months.constant_mrr_usd
            else after_consolidation.mrr_after_usd
        end as mrr_after_usd,
        case
            when restated_currencies.month is not null
                then {{ null_safe_concat([
                    "'at the reporting month''s rate (USD per unit): '",
                    'restated_currencies.restated_currencies',
                ]) }}
        end as rule_inputs
    from after_consolidation
    inner join customer_months
        on
            after_consolidation.organization_id = customer_months.organization_id
            and after_consolidation.month = customer_months.month
    left join restated_currencies
        on
            after_consolidation.organization_id = restated_currencies.organization_id
            and after_consolidation.month = restated_currencies.month
)

select * from adjusted
