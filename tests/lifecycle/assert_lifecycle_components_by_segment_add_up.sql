-- The lifecycle bridge by slice adds up to the company-wide bridge exactly: for every month of
-- lifecycle_components_monthly, the slices of lifecycle_components_segment_monthly sum to the
-- same baseline, components, total and customer counts per stage (decimal money, to the cent).
-- A month without any customer with a stage has no slice and all 0 company-wide; a slice month
-- the company-wide table lacks fails too.
-- Returns the months where they disagree.

{%- set summed_columns = [
    'baseline_mrr_usd', 'new_mrr_usd', 'reactivated_mrr_usd', 'retained_mrr_usd', 'expansion_mrr_usd',
    'contraction_mrr_usd', 'churned_mrr_usd', 'total_mrr_usd', 'new_customers', 'reactivated_customers',
    'flat_customers', 'growing_customers', 'shrinking_customers', 'churned_customers', 'active_customers',
    'baseline_customers',
] %}

with

lifecycle_components as (
    select * from {{ ref('lifecycle_components_monthly') }}
),

lifecycle_components_by_segment as (
    select * from {{ ref('lifecycle_components_segment_monthly') }}
),

segments_summed as (
    select
        {%- for column in summed_columns %}
            sum({{ column }}) as {{ column }},
        {%- endfor %}
        month
    from lifecycle_components_by_segment
    group by month
),

compared as (
    select
        {%- for column in summed_columns %}
            lifecycle_components.{{ column }},
            coalesce(segments_summed.{{ column }}, 0) as segments_{{ column }},
        {%- endfor %}
        coalesce(lifecycle_components.month, segments_summed.month) as month,
        lifecycle_components.month is null as is_missing_company_wide
    from lifecycle_components
    full outer join segments_summed
        on lifecycle_components.month = segments_summed.month
),

failing as (
    select * from compared
    where
        is_missing_company_wide
        {%- for column in summed_columns %}
            or {{ column }} <> segments_{{ column }}
        {%- endfor %}
)

select * from failing
