-- Section 3: one row per customer-month with the value after each adjustment step, in
-- the order of docs/rules.md section 3 (macros/revenue_adjustment_steps.sql: consolidation, trials, one-time
-- credits, spikes, annual plan), each step's flag and the billing configuration.
-- mrr_monthly publishes it; the step models hold the rules' inputs, and
-- revenue_adjustments reads them for the audit trail. Import CTEs are named after the
-- step models without their `int_` prefix.

{%- set steps = revenue_adjustment_steps() %}
{%- set first_step = steps[0].model | replace('int_', '', 1) %}
{%- set last_step = steps[-1].model | replace('int_', '', 1) %}

with

configurations as (
    select * from {{ ref('int_billing_configurations_monthly') }}
),

{% for step in steps -%}
    {{ step.model | replace('int_', '', 1) }} as (
        select * from {{ ref(step.model) }}
    ),

{% endfor -%}

joined as (
    select
        {{ first_step }}.organization_id,
        {{ first_step }}.month,
        configurations.billing_configuration,
        {{ first_step }}.mrr_before_usd as own_mrr_usd,
        {{ first_step }}.mrr_after_usd as mrr_usd,
        {%- for step in steps %}
            {%- set step_cte = step.model | replace('int_', '', 1) %}
            {{ step_cte }}.{{ step.flag }},
            {{ step_cte }}.mrr_after_usd as {{ step.mrr_after_column }},
        {%- endfor %}
        {{ last_step }}.mrr_after_usd as adjusted_mrr_usd,
        configurations.contract_id,
        configurations.contract_discount,
        {{ first_step }}.is_newest_month as is_provisional,
        -- Rules 3 and 4 need the month after; in the newest month they may be undecided.
        mrr_adjusted_for_one_time_credits.is_undecided or mrr_adjusted_for_spikes.is_undecided as has_undecided_rule
    from {{ first_step }}
    inner join configurations
        on
            {{ first_step }}.organization_id = configurations.organization_id
            and {{ first_step }}.month = configurations.month
    {%- for step in steps[1:] %}
        {%- set step_cte = step.model | replace('int_', '', 1) %}
        inner join {{ step_cte }}
            on
                {{ first_step }}.organization_id = {{ step_cte }}.organization_id
                and {{ first_step }}.month = {{ step_cte }}.month
    {%- endfor %}
)

select * from joined
