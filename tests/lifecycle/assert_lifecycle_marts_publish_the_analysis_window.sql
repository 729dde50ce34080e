-- Section 4, the analysis window: lifecycle_components_monthly has exactly the last
-- var analysis_window_months months of the calendar (ending at the reporting month), and
-- customer_lifecycle_monthly has, for those months, every customer-month with a stage and
-- no other. Returns the months that break either rule.

with

lifecycle_components_published as (
    select * from {{ ref('lifecycle_components_monthly') }}
),

customer_lifecycle_published as (
    select * from {{ ref('customer_lifecycle_monthly') }}
),

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

months as (
    select * from {{ ref('int_months') }}
),

window_start as (
    select cast({{ dbt.dateadd('month', 1 - var('analysis_window_months'), 'max(month)') }} as date) as first_month
    from months
),

expected_months as (
    select months.month
    from months
    inner join window_start
        on months.month >= window_start.first_month
),

component_months_compared as (
    select
        coalesce(expected_months.month, lifecycle_components_published.month) as month,
        'components month missing or outside the window' as failure
    from expected_months
    full outer join lifecycle_components_published
        on expected_months.month = lifecycle_components_published.month
    where expected_months.month is null or lifecycle_components_published.month is null
),

expected_stage_rows as (
    select
        customer_lifecycle_stages.month,
        count(*) as count_rows
    from customer_lifecycle_stages
    inner join expected_months
        on customer_lifecycle_stages.month = expected_months.month
    where customer_lifecycle_stages.stage is not null
    group by customer_lifecycle_stages.month
),

published_stage_rows as (
    select
        month,
        count(*) as count_rows
    from customer_lifecycle_published
    group by month
),

stage_rows_compared as (
    select
        coalesce(expected_stage_rows.month, published_stage_rows.month) as month,
        'customer stage rows differ' as failure
    from expected_stage_rows
    full outer join published_stage_rows
        on expected_stage_rows.month = published_stage_rows.month
    where coalesce(expected_stage_rows.count_rows, 0) <> coalesce(published_stage_rows.count_rows, 0)
),

failing as (
    select * from component_months_compared
    union all
    select * from stage_rows_compared
)

select * from failing
