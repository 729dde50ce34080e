{#- The period a contract's purchase pays when its purchases, in date order, pay the contract's periods in
    order: the k-th pays max(its own period, the period the one before paid + 1), unrolled as k + the
    running maximum of (own period - position). Reads purchase_position, natural_period_number,
    period_start_date and invoice_id of the row; `partition_by` names the contract column. -#}
{% macro next_unpaid_period_number(partition_by) %}
    purchase_position + max(natural_period_number - purchase_position) over (
        partition by {{ partition_by }}
        order by period_start_date, invoice_id
        rows between unbounded preceding and current row
    )
{%- endmacro %}
