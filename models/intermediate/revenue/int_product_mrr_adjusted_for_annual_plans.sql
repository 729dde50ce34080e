-- Section 3, adjustment 5 per product (int_mrr_adjusted_for_annual_plans is the
-- customer's): each product is valued at list price. Its lines are each at their own
-- contract's price (int_customer_product_months_spined, 0 discount on an account outside
-- every contract): when all of a product's lines have one discount, its value after
-- spikes / (1 - it); when they differ, its value after spikes x
-- constant_amount_at_list_price_usd / constant_amount_at_contract_price_usd, the
-- product's own list-price factor in constant currency (the currency of the value it
-- scales, so lines in two currencies keep their weights whatever the month's rate);
-- each rounded once to the cent half away from zero (exactly: macros/divide_to_cents).
-- A product of a pay-as-you-go child team keeps its value beside an enterprise
-- parent's discounted products. It holds the product-months of the step before and those
-- of discounted-contract months (macros/product_months_in_step.sql).

with

product_after_spikes as (
    select * from {{ ref('int_product_mrr_adjusted_for_spikes') }}
),

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

customer_after_annual_plans as (
    select * from {{ ref('int_mrr_adjusted_for_annual_plans') }}
),

product_months_in_step as (
    {{ product_months_in_step('product_after_spikes', 'customer_after_annual_plans', 'is_discounted_contract_month') }}
),

product_months_before as (
    select
        product_months_in_step.organization_id,
        product_months_in_step.product_key,
        product_months_in_step.month,
        product_months.lines_contract_discount,
        product_months.constant_amount_at_list_price_usd,
        product_months.constant_amount_at_contract_price_usd,
        coalesce(product_after_spikes.mrr_after_usd, product_months.mrr_usd) as mrr_before_usd
    from product_months_in_step
    inner join product_months
        on
            product_months_in_step.organization_id = product_months.organization_id
            and product_months_in_step.product_key = product_months.product_key
            and product_months_in_step.month = product_months.month
    left join product_after_spikes
        on
            product_months_in_step.organization_id = product_after_spikes.organization_id
            and product_months_in_step.product_key = product_after_spikes.product_key
            and product_months_in_step.month = product_after_spikes.month
),

adjusted as (
    select
        product_months_before.organization_id,
        product_months_before.product_key,
        product_months_before.month,
        product_months_before.mrr_before_usd,
        customer_after_annual_plans.is_discounted_contract_month,
        case
            when
                customer_after_annual_plans.is_discounted_contract_month
                and product_months_before.lines_contract_discount > 0
                then {{ divide_to_cents(
                    'product_months_before.mrr_before_usd', '1 - product_months_before.lines_contract_discount'
                ) }}
            when
                customer_after_annual_plans.is_discounted_contract_month
                and product_months_before.lines_contract_discount is null
                and product_months_before.constant_amount_at_contract_price_usd > 0
                then {{ divide_to_cents(
                    'product_months_before.mrr_before_usd * product_months_before.constant_amount_at_list_price_usd',
                    'product_months_before.constant_amount_at_contract_price_usd',
                ) }}
            else product_months_before.mrr_before_usd
        end as mrr_after_usd,
        case
            when customer_after_annual_plans.is_discounted_contract_month
                then 'discounted contract: valued at list price'
        end as rule_inputs
    from product_months_before
    inner join customer_after_annual_plans
        on
            product_months_before.organization_id = customer_after_annual_plans.organization_id
            and product_months_before.month = customer_after_annual_plans.month
)

select * from adjusted
