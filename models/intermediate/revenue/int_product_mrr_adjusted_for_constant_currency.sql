-- Section 2 (Currencies), the constant-currency step per product
-- (int_mrr_adjusted_for_constant_currency is the customer's): the product's lines priced
-- at the reporting month's rate instead of the month's own
-- (int_customer_product_months_spined.constant_mrr_usd). The product-level steps after it
-- read the product's `constant_` amounts.

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

customer_after_constant_currency as (
    select * from {{ ref('int_mrr_adjusted_for_constant_currency') }}
),

adjusted as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.mrr_usd as mrr_before_usd,
        customer_after_constant_currency.is_restated_to_constant_currency,
        case
            when customer_after_constant_currency.is_restated_to_constant_currency then product_months.constant_mrr_usd
            else product_months.mrr_usd
        end as mrr_after_usd,
        case
            when customer_after_constant_currency.is_restated_to_constant_currency
                then 'the product''s lines at the reporting month''s rate'
        end as rule_inputs
    from product_months
    inner join customer_after_constant_currency
        on
            product_months.organization_id = customer_after_constant_currency.organization_id
            and product_months.month = customer_after_constant_currency.month
)

select * from adjusted
