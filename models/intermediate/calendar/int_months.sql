-- One row per calendar month from the first billing period in the data to the
-- reporting month (var as_of_month, or else the newest month with a usage invoice).

with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

recognised_invoices as (
    select * from invoices
    where invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
),

{%- set newest_usage_period = "max(case when invoice_type = 'usage' then period_start_date end)" %}

bounds as (
    select
        cast({{ dbt.date_trunc('month', 'min(period_start_date)') }} as date) as first_month,
        {% if var('as_of_month') -%}
            cast('{{ var("as_of_month") }}' as date) as last_month
        {%- else -%}
            cast({{ dbt.date_trunc('month', newest_usage_period) }} as date) as last_month
        {%- endif %}
    from recognised_invoices
),

integers as (
    select n from {{ integers(4) }} as integers
),

months as (
    select
        cast({{ dbt.dateadd('month', 'integers.n', 'bounds.first_month') }} as date) as month,
        integers.n = {{ months_between('bounds.first_month', 'bounds.last_month') }}
            as is_newest_month
    from bounds
    inner join integers
        on integers.n <= {{ months_between('bounds.first_month', 'bounds.last_month') }}
)

select * from months
