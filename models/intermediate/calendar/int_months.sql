-- The one calendar: one row per month from the first month any revenue is attributed to
-- (a usage invoice's period, or the first month a credit purchase pays for) to the
-- reporting month: var as_of_month when it is set (any day of the month names the
-- month), else the newest month with a recognised usage invoice. Every model that
-- reads invoices, lines, credits, refunds, trials or usage keeps only these months,
-- so a build as of a month ignores everything later. Each row carries what models would
-- otherwise compute again: the reporting month, whether the month is in the analysis
-- window (the last var analysis_window_months months ending at the reporting month)
-- and its calendar quarter.

with

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

credit_purchases_assigned as (
    select * from {{ ref('int_credit_purchases_assigned_to_periods') }}
),

usage_invoices as (
    select * from invoices_recognised
    where is_usage_invoice
),

reporting_month as (
    {% if var('as_of_month') -%}
        select
            cast({{ dbt.date_trunc('month', "cast('" ~ var('as_of_month') ~ "' as date)") }} as date)
                as reporting_month
    {%- else -%}
        select max(period_start_month) as reporting_month
        from usage_invoices
    {%- endif %}
),

-- Only what is dated up to the reporting month can open the calendar.
attributed_first_months as (
    select usage_invoices.period_start_month as month
    from usage_invoices
    cross join reporting_month
    where usage_invoices.period_start_month <= reporting_month.reporting_month

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

month_numbers as (
    select
        bounds.first_month,
        bounds.last_month as reporting_month,
        integers.n as month_number,
        {{ months_between('bounds.first_month', 'bounds.last_month') }}
            as reporting_month_number
    from bounds
    inner join integers
        on integers.n <= {{ months_between('bounds.first_month', 'bounds.last_month') }}
),

months as (
    select
        cast({{ dbt.dateadd('month', 'month_number', 'first_month') }} as date) as month,
        reporting_month,
        month_number = reporting_month_number as is_newest_month,
        reporting_month_number - month_number < {{ var('analysis_window_months') }} as is_in_analysis_window
    from month_numbers
),

with_quarters as (
    select
        *,
        cast({{ dbt.date_trunc('quarter', 'month') }} as date) as quarter_start_month,
        {{ quarter_name('month') }} as quarter
    from months
)

select * from with_quarters
