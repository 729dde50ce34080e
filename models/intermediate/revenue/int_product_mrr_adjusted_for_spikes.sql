-- Section 3, adjustment 4 per product (int_mrr_adjusted_for_spikes is the customer's): in
-- a spike month every product is scaled by the customer total's factor, product x (total
-- after / total before), rounded to the cent half away from zero (exactly:
-- macros/divide_to_cents). It holds the product-months of the step before and those of spike
-- months (macros/product_months_in_step.sql).

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

product_after_one_time_credits as (
    select * from {{ ref('int_product_mrr_adjusted_for_one_time_credits') }}
),

customer_after_spikes as (
    select * from {{ ref('int_mrr_adjusted_for_spikes') }}
),

product_months_in_step as (
    {{ product_months_in_step('product_after_one_time_credits', 'customer_after_spikes', 'is_spike_month') }}
),

product_months_before as (
    select
        product_months_in_step.organization_id,
        product_months_in_step.product_key,
        product_months_in_step.month,
        coalesce(product_after_one_time_credits.mrr_after_usd, product_months.mrr_usd) as mrr_before_usd
    from product_months_in_step
    inner join product_months
        on
            product_months_in_step.organization_id = product_months.organization_id
            and product_months_in_step.product_key = product_months.product_key
            and product_months_in_step.month = product_months.month
    left join product_after_one_time_credits
        on
            product_months_in_step.organization_id = product_after_one_time_credits.organization_id
            and product_months_in_step.product_key = product_after_one_time_credits.product_key
            and product_months_in_step.month = product_after_one_time_credits.month
),

adjusted as (
    select
        product_months_before.organization_id,
        product_months_before.product_key,
        product_months_before.month,
        product_months_before.mrr_before_usd,
        customer_after_spikes.is_spike_month,
        case
            when customer_after_spikes.is_spike_month
                then {{ divide_to_cents(
                    'product_months_before.mrr_before_usd * customer_after_spikes.mrr_after_usd',
                    'customer_after_spikes.mrr_before_usd',
                ) }}
            else product_months_before.mrr_before_usd
        end as mrr_after_usd,
        case
            when customer_after_spikes.is_spike_month
                then 'spike month: scaled by the customer total''s factor'
        end as rule_inputs
    from product_months_before
    inner join customer_after_spikes
        on
            product_months_before.organization_id = customer_after_spikes.organization_id
            and product_months_before.month = customer_after_spikes.month
)

select * from adjusted
