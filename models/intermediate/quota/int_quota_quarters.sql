-- Section 7: the calendar quarters quota is reported for, from the quarter of the
-- first billed month to the quarter of the reporting month (var as_of_month, or else
-- the newest month with a usage invoice). The reporting month's quarter is in
-- progress unless the reporting month is its last month: it stays in, flagged, and
-- its months so far stand in for the quarter (`last_counted_month`, `counted_months`).

with

months as (
    select * from {{ ref('int_months') }}
),

reporting_month as (
    select month as reporting_month
    from months
    where is_newest_month
),

quarter_starts as (
    select distinct
        cast({{ dbt.date_trunc('quarter', 'month') }} as date) as quarter_start_month
    from months
),

quarters as (
    select
        {{ quarter_name('quarter_starts.quarter_start_month') }} as quarter,
        quarter_starts.quarter_start_month,
        cast({{ dbt.dateadd('month', 2, 'quarter_starts.quarter_start_month') }} as date) as quarter_end_month,
        cast({{ dbt.dateadd('month', 3, 'quarter_starts.quarter_start_month') }} as date) as next_quarter_start_month,
        reporting_month.reporting_month
    from quarter_starts
    cross join reporting_month
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
        reporting_month < quarter_end_month as is_quarter_in_progress
    from quarters
),

counted as (
    select
        *,
        {{ months_between('quarter_start_month', 'last_counted_month') }} + 1 as counted_months
    from flagged
)

select * from counted
