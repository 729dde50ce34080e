-- Section 3, adjustment 4 per product (int_mrr_adjusted_for_spikes is the customer's): in
-- a spike month every product is scaled by the customer total's factor, product x (total
-- after / total before), rounded to the cent half away from zero (exactly:
-- macros/divide_to_cents).

with

product_after_one_time_credits as (
    select * from {{ ref('int_product_mrr_adjusted_for_one_time_credits') }}
),

customer_after_spikes as (
    select * from {{ ref('int_mrr_adjusted_for_spikes') }}
),

adjusted as (
    select
        product_after_one_time_credits.organization_id,
        product_after_one_time_credits.product_key,
        product_after_one_time_credits.month,
        product_after_one_time_credits.mrr_after_usd as mrr_before_usd,
        customer_after_spikes.is_spike_month,
        case
            when customer_after_spikes.is_spike_month
                then {{ divide_to_cents(
                    'product_after_one_time_credits.mrr_after_usd * customer_after_spikes.mrr_after_usd',
                    'customer_after_spikes.mrr_before_usd',
                ) }}
            else product_after_one_time_credits.mrr_after_usd
        end as mrr_after_usd,
        case
            when customer_after_spikes.is_spike_month
                then 'spike month: scaled by the customer total''s factor'
        end as rule_inputs
    from product_after_one_time_credits
    inner join customer_after_spikes
        on
            product_after_one_time_credits.organization_id = customer_after_spikes.organization_id
            and product_after_one_time_credits.month = customer_after_spikes.month
)

select * from adjusted
