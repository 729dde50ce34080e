-- The people dimension of the sales team, by id only: a person's name never leaves staging, and
-- neither does pay (on-target earnings).

with

sales_reps as (
    select * from {{ ref('stg_crm__sales_reps') }}
),

months as (
    select * from {{ ref('int_months') }}
),

-- The calendar's reporting month, as one row even when the calendar is empty (an aggregate).
reporting_month as (
    select max(reporting_month) as reporting_month
    from months
),

with_plan_dates as (
    select
        owner_id,
        sales_role,
        team,
        region,
        coalesce(is_team_lead, false) as is_team_lead,
        {{ team_lead_since('is_team_lead', 'team_lead_since', 'role_start_date') }} as team_lead_since,
        role_start_date,
        end_date,
        {{ first_ramp_month('role_start_date') }} as first_ramp_month
    from sales_reps
),

published as (
    select
        with_plan_dates.owner_id,
        with_plan_dates.sales_role,
        with_plan_dates.team,
        with_plan_dates.region,
        with_plan_dates.is_team_lead,
        with_plan_dates.team_lead_since,
        {{ team_lead_plan_start_month('with_plan_dates.team_lead_since') }} as team_lead_plan_start_month,
        with_plan_dates.role_start_date,
        with_plan_dates.end_date,
        with_plan_dates.first_ramp_month,
        cast({{ dbt.dateadd('month', var('quota_ramp_months'), 'with_plan_dates.first_ramp_month') }} as date)
            as first_ramped_month,
        with_plan_dates.role_start_date
        <= cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'reporting_month.reporting_month')) }} as date)
        and (with_plan_dates.end_date is null or with_plan_dates.end_date >= reporting_month.reporting_month)
            as is_in_role
    from with_plan_dates
    cross join reporting_month
)

select * from published
