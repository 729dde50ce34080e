-- Section 3, adjustment 5 per product (int_mrr_adjusted_for_annual_plans is the
-- customer's): in months covered by a discounted credit contract every product is valued
-- at list price, product / (1 - discount), rounded to the cent half away from zero
-- (exactly: macros/divide_to_cents).

with

product_after_spikes as (
    select * from {{ ref('int_product_mrr_adjusted_for_spikes') }}
),

customer_after_annual_plans as (
    select * from {{ ref('int_mrr_adjusted_for_annual_plans') }}
),

adjusted as (
    select
        product_after_spikes.organization_id,
        product_after_spikes.product_key,
        product_after_spikes.month,
        product_after_spikes.mrr_after_usd as mrr_before_usd,
        customer_after_annual_plans.is_discounted_contract_month,
        case
            when customer_after_annual_plans.is_discounted_contract_month
                then {{ divide_to_cents(
                    'product_after_spikes.mrr_after_usd', '1 - customer_after_annual_plans.contract_discount'
                ) }}
            else product_after_spikes.mrr_after_usd
        end as mrr_after_usd,
        case
            when customer_after_annual_plans.is_discounted_contract_month
                then 'discounted contract: valued at list price'
        end as rule_inputs
    from product_after_spikes
    inner join customer_after_annual_plans
        on
            product_after_spikes.organization_id = customer_after_annual_plans.organization_id
            and product_after_spikes.month = customer_after_annual_plans.month
)

select * from adjusted
