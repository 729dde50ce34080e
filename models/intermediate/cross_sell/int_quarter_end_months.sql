-- Cross-sell: the month that stands for each calendar quarter in quarter-over-quarter adoption, its last
-- month in the data (the reporting month for the quarter in progress). One row per quarter.

with

months as (
    select * from {{ ref('int_months') }}
),

quarter_months as (
    select
        cast({{ dbt.date_trunc('quarter', 'month') }} as date) as quarter_start_month,
        month,
        is_newest_month
    from months
),

quarters as (
    select
        quarter_start_month,
        max(month) as quarter_end_month,
        max(case when is_newest_month then 1 else 0 end) = 1 as has_newest_month
    from quarter_months
    group by quarter_start_month
),

quarter_ends as (
    select
        quarter_start_month,
        quarter_end_month,
        has_newest_month
        and quarter_end_month < cast({{ dbt.dateadd('month', 2, 'quarter_start_month') }} as date)
            as is_quarter_in_progress
    from quarters
)

select * from quarter_ends
