{#-
    Section 4's spine columns for one row of a gap-free monthly spine (customer or customer
    x product): the month's MRR, the previous month's (0 before the first month of the
    spine) and the first month with MRR > 0, the NEW month. `partition_by` names the spine
    (`organization_id`, or `organization_id, product_key`); the spine's month is `month`.
-#}
{% macro lifecycle_previous_month(mrr_column, partition_by) -%}
    {{ mrr_column }} as mrr_usd,
    coalesce(
        lag({{ mrr_column }}, 1) over (partition by {{ partition_by }} order by month),
        cast(0 as decimal(18, 2))
    ) as previous_mrr_usd,
    min(case when {{ mrr_column }} > 0 then month end) over (partition by {{ partition_by }}) as first_paid_month
{%- endmacro %}
