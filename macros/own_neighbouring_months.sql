{#-
    A customer-month's neighbours on its gap-free monthly spine, as rules 3 and 4 read them:
    the value of m - 1 and m - 2 (empty before the customer's first month), of m + 1 (empty
    in the newest month), and the sum and count of the customer's own months among m - 1 and
    m - 2: a month before its first month is not a 0, so in its second month the average is
    its first month alone. The average is sum / count; the rules compare it multiplied out,
    so the comparisons are exact on decimal money. `window_name` is a window partitioned by
    customer and ordered by month.
-#}
{% macro own_neighbouring_months(mrr_column, window_name) -%}
    lag({{ mrr_column }}, 1) over {{ window_name }} as prior_month_mrr_usd,
    lag({{ mrr_column }}, 2) over {{ window_name }} as second_prior_month_mrr_usd,
    lead({{ mrr_column }}, 1) over {{ window_name }} as next_month_mrr_usd,
    coalesce(lag({{ mrr_column }}, 1) over {{ window_name }}, 0)
    + coalesce(lag({{ mrr_column }}, 2) over {{ window_name }}, 0) as prior_months_sum_usd,
    case
        when lag({{ mrr_column }}, 2) over {{ window_name }} is not null then 2
        when lag({{ mrr_column }}, 1) over {{ window_name }} is not null then 1
        else 0
    end as prior_months_count
{%- endmacro %}
