-- Section 2 (Currencies), the constant-currency step per product
-- (int_mrr_adjusted_for_constant_currency is the customer's): the product's lines priced
-- at the reporting month's rate instead of the month's own
-- (int_customer_product_months_spined.constant_mrr_usd). The product-level steps after it
-- read the product's `constant_` amounts. rule_inputs names, like the customer's step, each
-- currency other than USD with the product's lines after coupons in it, the month's rate and
-- the reporting month's rate. As the first product-level step it holds only the product-months
-- of restated customer-months (every later step holds the rows of the steps before it and its
-- own: macros/revenue_adjustment_steps.sql); any other product-month keeps the spine's mrr_usd.


with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

customer_after_constant_currency as (
    select * from {{ ref('int_mrr_adjusted_for_constant_currency') }}
),

invoice_lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

restated_product_months as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.mrr_usd,
        product_months.constant_mrr_usd
    from product_months
    inner join customer_after_constant_currency
        on
            product_months.organization_id = customer_after_constant_currency.organization_id
            and product_months.month = customer_after_constant_currency.month
    where customer_after_constant_currency.is_restated_to_constant_currency
),

foreign_currency_amounts as (
    select
        organization_id,
        product_key,
        month,
        currency,
        sum(amount_after_coupons_in_currency) as amount_in_currency,
        max(usd_per_unit) as usd_per_unit,
        max(reporting_usd_per_unit) as reporting_usd_per_unit
    from invoice_lines_attributed
    where currency <> 'usd'
    group by organization_id, product_key, month, currency
),

described_currencies as (
    select
        organization_id,
        product_key,
        month,
        {{ currency_restatement('amount_in_currency') }} as currency_restatement
    from foreign_currency_amounts
),

restated_currencies as (
    select
        organization_id,
        product_key,
        month,
        {{ dbt.listagg(
            "currency_restatement",
            "'; '",
            "order by currency_restatement",
        ) }} as restated_currencies
    from described_currencies
    group by organization_id, product_key, month
),

adjusted as (
    select
        restated_product_months.organization_id,
        restated_product_months.product_key,
        restated_product_months.month,
        restated_product_months.mrr_usd as mrr_before_usd,
        true as is_restated_to_constant_currency,
        restated_product_months.constant_mrr_usd as mrr_after_usd,
        case
            when restated_currencies.restated_currencies is not null
                then {{ null_safe_concat([
                    "'the product''s lines at the reporting month''s rate (USD per unit): '",
                    'restated_currencies.restated_currencies',
                ]) }}
            else 'the product''s lines at the reporting month''s rate'
        end as rule_inputs
    from restated_product_months
    left join restated_currencies
        on
            restated_product_months.organization_id = restated_currencies.organization_id
            and restated_product_months.product_key = restated_currencies.product_key
            and restated_product_months.month = restated_currencies.month
)

select * from adjusted
