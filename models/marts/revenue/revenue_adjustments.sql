-- One row per change an adjustment step made, customer-level and product-level, read
-- from the step models of macros/revenue_adjustment_steps.sql in the loop below (a step's
-- position in the list is its adjustment_order). An adjustment that leaves a value as it
-- was writes no row. Import CTEs are named after the step models without their `int_`
-- prefix.

{%- set string_type = dbt.type_string() %}
{%- set audited = [] %}
{%- for step in revenue_adjustment_steps() %}
    {%- do audited.append({
        'model': step.model,
        'product_key': 'cast(null as ' ~ string_type ~ ') as product_key',
        'adjustment_type': step.adjustment_type,
        'adjustment_order': loop.index,
    }) %}
    {%- if step.product_model %}
        {%- do audited.append({
            'model': step.product_model,
            'product_key': 'product_key',
            'adjustment_type': step.adjustment_type,
            'adjustment_order': loop.index,
        }) %}
    {%- endif %}
{%- endfor %}

with

{% for source in audited -%}
    {{ source.model | replace('int_', '', 1) }} as (
        select * from {{ ref(source.model) }}
    ),

{% endfor -%}

changes as (
    {%- for source in audited %}
        {%- if not loop.first %}

            union all
        {% endif %}
        select
            organization_id,
            month,
            {{ source.product_key }},
            '{{ source.adjustment_type }}' as adjustment_type,
            {{ source.adjustment_order }} as adjustment_order,
            mrr_before_usd,
            mrr_after_usd,
            rule_inputs
        from {{ source.model | replace('int_', '', 1) }}
        where mrr_after_usd <> mrr_before_usd
    {%- endfor %}
),

published as (
    select
        organization_id,
        month,
        cast(product_key as {{ string_type }}) as product_key,
        adjustment_type,
        cast(adjustment_order as integer) as adjustment_order,
        cast(mrr_before_usd as decimal(18, 2)) as mrr_before_usd,
        cast(mrr_after_usd as decimal(18, 2)) as mrr_after_usd,
        cast(mrr_after_usd - mrr_before_usd as decimal(18, 2)) as mrr_change_usd,
        rule_inputs
    from changes
)

select * from published
