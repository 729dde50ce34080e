{#-
    The shape every adjustment step shares (macros/revenue_adjustment_steps.sql): the keys and
    the values before and after are known, a row the rule does not apply to keeps its value,
    and rule_inputs describes the rule's inputs exactly where it applies. The flag is never
    null (a null is a failing row). Returns the rows that break one of these (one scan; the
    grain is tested apart).
-#}
{% test revenue_adjustment_step(model, flag, keys) %}

with

flagged as (
    select
        *,
        coalesce({{ flag }}, false) as is_step_applied
    from {{ model }}
),

failing as (
    select * from flagged
    where
        {% for key in keys -%}
        {{ key }} is null
        or {% endfor -%}
        mrr_before_usd is null
        or mrr_after_usd is null
        or {{ flag }} is null
        or (not is_step_applied and mrr_after_usd <> mrr_before_usd)
        or (is_step_applied and rule_inputs is null)
        or (not is_step_applied and rule_inputs is not null)
)

select * from failing

{% endtest %}
