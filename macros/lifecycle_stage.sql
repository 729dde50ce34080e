{#-
    Section 4's stage ladder, for one row of a gap-free spine that starts at the
    first month with MRR > 0 (customer or customer x product):
      NEW first paid month; REACTIVATED > 0 after 0; FLAT exactly equal (> 0);
      GROWING; SHRINKING; CHURNED 0 after > 0; null for inactive (0 after 0).
-#}
{% macro lifecycle_stage(month, first_paid_month, mrr_usd, previous_mrr_usd) -%}
    case
        when {{ month }} = {{ first_paid_month }} then 'NEW'
        when {{ mrr_usd }} > 0 and {{ previous_mrr_usd }} = 0 then 'REACTIVATED'
        when {{ mrr_usd }} > 0 and {{ mrr_usd }} = {{ previous_mrr_usd }} then 'FLAT'
        when {{ mrr_usd }} > {{ previous_mrr_usd }} and {{ previous_mrr_usd }} > 0 then 'GROWING'
        when {{ mrr_usd }} > 0 and {{ mrr_usd }} < {{ previous_mrr_usd }} then 'SHRINKING'
        when {{ mrr_usd }} = 0 and {{ previous_mrr_usd }} > 0 then 'CHURNED'
    end
{%- endmacro %}
