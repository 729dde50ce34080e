-- The semantic layer's calendar: one row per day of every month of the reporting window
-- (int_months), which MetricFlow uses to aggregate metrics over metric_time. Published in
-- schema marts beside the tables it serves, so that `mf query` runs against the published file.

{{ config(schema='marts', materialized='table') }}

with

int_months as (
    select * from {{ ref('int_months') }}
),

days_after_the_first as (
    select n from {{ integers(2) }} as integers
    where n < 31
),

candidate_days as (
    select
        int_months.month,
        cast({{ dbt.dateadd('day', 'days_after_the_first.n', 'int_months.month') }} as date) as date_day
    from int_months
    cross join days_after_the_first
),

days_of_the_window as (
    select date_day from candidate_days
    where cast({{ dbt.date_trunc('month', 'date_day') }} as date) = month
)

select * from days_of_the_window
