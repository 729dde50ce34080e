{#-
    Section 4's components and counts, as aggregate columns over rows with
    `stage`, `mrr_usd` and `previous_mrr_usd` (group by month, or product and month):
      new = Σ MRR of NEW; reactivated = Σ MRR of REACTIVATED;
      retained = Σ MRR of FLAT + Σ previous MRR of GROWING and SHRINKING;
      expansion = Σ (MRR − previous) of GROWING; contraction = the same of SHRINKING;
      churned = − Σ previous MRR of CHURNED; baseline = Σ previous MRR.
-#}
{% macro lifecycle_components() -%}
    cast(sum(previous_mrr_usd) as decimal(18, 2)) as baseline_mrr_usd,
    cast(sum(case when stage = 'NEW' then mrr_usd else 0 end) as decimal(18, 2)) as new_mrr_usd,
    cast(sum(case when stage = 'REACTIVATED' then mrr_usd else 0 end) as decimal(18, 2)) as reactivated_mrr_usd,
    cast(
        sum(
            case
                when stage = 'FLAT' then mrr_usd
                when stage in ('GROWING', 'SHRINKING') then previous_mrr_usd
                else 0
            end
        ) as decimal(18, 2)
    ) as retained_mrr_usd,
    cast(
        sum(case when stage = 'GROWING' then mrr_usd - previous_mrr_usd else 0 end) as decimal(18, 2)
    ) as expansion_mrr_usd,
    cast(
        sum(case when stage = 'SHRINKING' then mrr_usd - previous_mrr_usd else 0 end) as decimal(18, 2)
    ) as contraction_mrr_usd,
    cast(-sum(case when stage = 'CHURNED' then previous_mrr_usd else 0 end) as decimal(18, 2)) as churned_mrr_usd,
    cast(sum(mrr_usd) as decimal(18, 2)) as total_mrr_usd,
    count(case when stage = 'NEW' then 1 end) as new_customers,
    count(case when stage = 'REACTIVATED' then 1 end) as reactivated_customers,
    count(case when stage = 'FLAT' then 1 end) as flat_customers,
    count(case when stage = 'GROWING' then 1 end) as growing_customers,
    count(case when stage = 'SHRINKING' then 1 end) as shrinking_customers,
    count(case when stage = 'CHURNED' then 1 end) as churned_customers,
    count(case when mrr_usd > 0 then 1 end) as active_customers,
    count(case when previous_mrr_usd > 0 then 1 end) as baseline_customers
{%- endmacro %}

{#- The rates of section 4: component × 100 ÷ baseline, empty when the baseline is 0 (never inf). -#}
{% macro lifecycle_rates() -%}
    cast(total_mrr_usd - baseline_mrr_usd as decimal(18, 2)) as net_change_mrr_usd,
    {%- for component in ['new', 'reactivated', 'expansion', 'contraction'] %}
    cast({{ component }}_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as {{ component }}_rate_pct,
    {%- endfor %}
    cast(churned_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as churn_rate_pct
{%- endmacro %}

{#- The components as ARR (12 × MRR), to sit beside the MRR columns of an aggregated bridge. -#}
{% macro lifecycle_components_arr() -%}
    {%- for component in ['baseline', 'new', 'reactivated', 'retained', 'expansion', 'contraction', 'churned', 'total', 'net_change'] %}
    {{ mrr_to_arr(component ~ '_mrr_usd') }} as {{ component }}_arr_usd{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
