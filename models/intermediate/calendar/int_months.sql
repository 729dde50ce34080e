-- One row per calendar month from the first month any revenue is attributed to (a
-- usage invoice's period, or the first month a credit purchase pays for) to the
-- reporting month: var as_of_month when it is set (any day of the month names the
-- month), else the newest month with a recognised usage invoice. Every model that
-- reads invoices, lines, credits, refunds, trials or usage keeps only these months,
-- so a build as of a month ignores everything later.

with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

credit_purchases_assigned as (
    select * from {{ ref('int_credit_purchases_assigned_to_periods') }}
),

recognised_usage_invoices as (
    select * from invoices
    where
        invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoice_type = 'usage'
),

reporting_month as (
    {% if var('as_of_month') -%}
        select
            cast({{ dbt.date_trunc('month', "cast('" ~ var('as_of_month') ~ "' as date)") }} as date)
                as reporting_month
    {%- else -%}
        select cast({{ dbt.date_trunc('month', 'max(period_start_date)') }} as date) as reporting_month
        from recognised_usage_invoices
    {%- endif %}
),

-- Only what is dated up to the reporting month can open the calendar.
attributed_first_months as (
    select cast({{ dbt.date_trunc('month', 'recognised_usage_invoices.period_start_date') }} as date) as month
    from recognised_usage_invoices
    cross join reporting_month
    where
        cast({{ dbt.date_trunc('month', 'recognised_usage_invoices.period_start_date') }} as date)
        <= reporting_month.reporting_month

    union all

    select credit_purchases_assigned.first_month as month
    from credit_purchases_assigned
    cross join reporting_month
    where
        cast({{ dbt.date_trunc('month', 'credit_purchases_assigned.invoice_period_start_date') }} as date)
        <= reporting_month.reporting_month
),

first_month as (
    select min(month) as first_month
    from attributed_first_months
),

bounds as (
    select
        first_month.first_month,
        reporting_month.reporting_month as last_month
    from first_month
    cross join reporting_month
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
