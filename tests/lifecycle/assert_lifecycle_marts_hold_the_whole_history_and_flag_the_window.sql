-- Section 4, whole history with a window flag: lifecycle_components_monthly has every month
-- of the calendar (not only the analysis window), customer_lifecycle_monthly and
-- product_lifecycle_monthly have, for every month, every row with a stage and no other,
-- and in all four lifecycle tables is_in_analysis_window is true exactly for the last
-- var analysis_window_months months ending at the reporting month. Returns the months
-- that break a rule.

with

lifecycle_components_published as (
    select * from {{ ref('lifecycle_components_monthly') }}
),

product_components_published as (
    select * from {{ ref('lifecycle_components_product_monthly') }}
),

customer_lifecycle_published as (
    select * from {{ ref('customer_lifecycle_monthly') }}
),

product_lifecycle_published as (
    select * from {{ ref('product_lifecycle_monthly') }}
),

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

product_lifecycle_stages as (
    select * from {{ ref('int_product_lifecycle_stages') }}
),

months as (
    select * from {{ ref('int_months') }}
),

window_start as (
    select cast({{ dbt.dateadd('month', 1 - var('analysis_window_months'), 'max(month)') }} as date) as first_month
    from months
),

expected_months as (
    select
        months.month,
        months.month >= window_start.first_month as is_in_analysis_window
    from months
    cross join window_start
),

component_months_compared as (
    select
        coalesce(expected_months.month, lifecycle_components_published.month) as month,
        'components month missing, extra or wrongly flagged' as failure
    from expected_months
    full outer join lifecycle_components_published
        on expected_months.month = lifecycle_components_published.month
    where
        expected_months.month is null
        or lifecycle_components_published.month is null
        or expected_months.is_in_analysis_window <> lifecycle_components_published.is_in_analysis_window
),

flags_compared as (
    select
        published.month,
        'a row flagged against the window' as failure
    from (
        select
            month,
            is_in_analysis_window
        from customer_lifecycle_published
        union all
        select
            month,
            is_in_analysis_window
        from product_lifecycle_published
        union all
        select
            month,
            is_in_analysis_window
        from product_components_published
    ) as published
    inner join expected_months
        on published.month = expected_months.month
    where published.is_in_analysis_window <> expected_months.is_in_analysis_window
),

expected_stage_rows as (
    select
        month,
        'customer' as grain,
        count(*) as count_rows
    from customer_lifecycle_stages
    where stage is not null
    group by month

    union all

    select
        month,
        'product' as grain,
        count(*) as count_rows
    from product_lifecycle_stages
    where stage is not null
    group by month
),

published_stage_rows as (
    select
        month,
        'customer' as grain,
        count(*) as count_rows
    from customer_lifecycle_published
    group by month

    union all

    select
        month,
        'product' as grain,
        count(*) as count_rows
    from product_lifecycle_published
    group by month
),

stage_rows_compared as (
    select
        coalesce(expected_stage_rows.month, published_stage_rows.month) as month,
        'stage rows differ' as failure
    from expected_stage_rows
    full outer join published_stage_rows
        on
            expected_stage_rows.month = published_stage_rows.month
            and expected_stage_rows.grain = published_stage_rows.grain
    where coalesce(expected_stage_rows.count_rows, 0) <> coalesce(published_stage_rows.count_rows, 0)
),

failing as (
    select * from component_months_compared
    union all
    select * from flags_compared
    union all
    select * from stage_rows_compared
)

select * from failing
