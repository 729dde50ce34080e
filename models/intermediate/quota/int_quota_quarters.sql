-- TAM quota: the calendar quarters quota is reported for, from the quarter of the
-- first month with a recognised usage invoice (quota is measured on invoiced usage;
-- credit purchases may start earlier) to the quarter of the reporting month (var
-- as_of_month, or else the newest month with a usage invoice). The reporting month's
-- quarter is in progress unless the reporting month is its last month: it stays in,
-- flagged, and its months so far stand in for the quarter (`last_counted_month`,
-- `counted_months`).
-- The first quarter has no quarter before it in the data to compare with: its attainment is
-- left empty and earns nothing (attainment_empty_reason says so on every row that reads it).
-- payment_cutoff_date is the last day on which the quarter's usage invoices can be paid for
-- their positive attainment to earn commission in the quarter's own payout: the
-- var commission_payment_days_after_quarter-th day after the quarter ends (14 July for Q2).

with

months as (
    select * from {{ ref('int_months') }}
),

invoice_lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

first_usage_month as (
    select min(month) as first_usage_month
    from invoice_lines_attributed
),

quarter_starts as (
    select distinct
        months.quarter,
        months.quarter_start_month,
        months.reporting_month
    from months
    inner join first_usage_month
        on months.month >= first_usage_month.first_usage_month
),

quarters as (
    select
        quarter,
        quarter_start_month,
        cast({{ dbt.dateadd('month', 2, 'quarter_start_month') }} as date) as quarter_end_month,
        cast({{ dbt.dateadd('month', 3, 'quarter_start_month') }} as date) as next_quarter_start_month,
        reporting_month
    from quarter_starts
),

flagged as (
    select
        quarter,
        quarter_start_month,
        quarter_end_month,
        next_quarter_start_month,
        case
            when reporting_month < quarter_end_month then reporting_month
            else quarter_end_month
        end as last_counted_month,
        reporting_month < quarter_end_month as is_quarter_in_progress,
        quarter_start_month = min(quarter_start_month) over () as is_first_reported_quarter,
        cast(
            {{ dbt.dateadd('day', var('commission_payment_days_after_quarter') - 1, 'next_quarter_start_month') }}
            as date
        ) as payment_cutoff_date
    from quarters
),

counted as (
    select
        *,
        -- both months are in the same calendar year
        cast(
            extract(month from last_counted_month) - extract(month from quarter_start_month) + 1 as integer
        ) as counted_months,
        case when is_first_reported_quarter then 'first_quarter_of_data' end as attainment_empty_reason
    from flagged
)

select * from counted
