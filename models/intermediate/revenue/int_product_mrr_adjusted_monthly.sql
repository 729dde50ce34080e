-- Section 3, per product: one row per customer, product and month with the product's
-- value after each adjustment step that has a product-level model, in the order of
-- macros/revenue_adjustment_steps.sql (int_product_mrr_adjusted_for_trials,
-- _for_one_time_credits, _for_spikes, _for_annual_plans say how each step treats a
-- product). Import CTEs are named after the step models without their `int_` prefix.

{%- set product_steps = revenue_adjustment_steps() | selectattr('product_model') | list %}
{%- set first_step = product_steps[0].product_model | replace('int_', '', 1) %}
{%- set last_step = product_steps[-1].product_model | replace('int_', '', 1) %}

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

{% for step in product_steps -%}
    {{ step.product_model | replace('int_', '', 1) }} as (
        select * from {{ ref(step.product_model) }}
    ),

{% endfor -%}

joined as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.usage_units,
        product_months.mrr_usd,
        {%- for step in product_steps %}
            {{ step.product_model | replace('int_', '', 1) }}.mrr_after_usd as {{ step.mrr_after_column }},
        {%- endfor %}
        {{ last_step }}.mrr_after_usd as adjusted_mrr_usd
    from product_months
    inner join {{ first_step }}
        on
            product_months.organization_id = {{ first_step }}.organization_id
            and product_months.product_key = {{ first_step }}.product_key
            and product_months.month = {{ first_step }}.month
    {%- for step in product_steps[1:] %}
        {%- set step_cte = step.product_model | replace('int_', '', 1) %}
        inner join {{ step_cte }}
            on
                product_months.organization_id = {{ step_cte }}.organization_id
                and product_months.product_key = {{ step_cte }}.product_key
                and product_months.month = {{ step_cte }}.month
    {%- endfor %}
)

select * from joined
