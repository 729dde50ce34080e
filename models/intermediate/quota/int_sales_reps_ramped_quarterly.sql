-- TAM quota, each rep's plan in a quarter: one row per rep and reported quarter in which the
-- rep was in the role on at least one day, with the quarter's quota, the ramp and the plan.
-- Ramp: a rep's first var quota_ramp_months (3) months in the role. A rep who starts before
-- day var quota_ramp_first_month_before_day (15) of a month counts that month as the
-- first; from that day on, the next month is the first.
--   ramped              the quarter's first month is after the ramp -> 100 % of quota to the team
--   ramping             in the role on the quarter's first day, and that month is a ramp
--                       month (or comes before the first ramp month)
--                                                       -> var quota_ramping_share of quota
--   joined_mid_quarter  started after the quarter's first day -> adds neither quota nor
--                       attainment to the team that quarter
-- Pay months: ramp months in the quarter are paid fixed; the formula is paid for the
-- quarter's other months from the month the rep started (formula_months_in_quarter).
-- Team lead: a lead since team_lead_since, or since role_start_date when that is empty
-- (a date on a rep who is not is_team_lead is not read). The lead plan applies from the
-- first full quarter on or after that date (that quarter when it is its first day, else
-- the next one); before it the lead is paid as a rep.
-- Someone who leaves during the quarter stays counted for it.

with

sales_reps as (
    select * from {{ ref('stg_crm__sales_reps') }}
),

quotas as (
    select * from {{ ref('stg_crm__quotas') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

reps_with_plan_dates as (
    select
        owner_id,
        sales_role,
        team,
        coalesce(is_team_lead, false) as is_team_lead,
        ote_usd,
        role_start_date,
        end_date,
        {{ first_ramp_month('role_start_date') }} as first_ramp_month,
        {{ team_lead_since('is_team_lead', 'team_lead_since', 'role_start_date') }} as team_lead_since
    from sales_reps
),

reps_with_lead_plan as (
    select
        *,
        cast({{ dbt.dateadd('month', var('quota_ramp_months'), 'first_ramp_month') }} as date) as ramp_end_month,
        {{ team_lead_plan_start_month('team_lead_since') }} as team_lead_plan_start_month
    from reps_with_plan_dates
),

rep_quarters as (
    select
        reps_with_lead_plan.*,
        quarters.quarter,
        quarters.quarter_start_month,
        quarters.next_quarter_start_month
    from reps_with_lead_plan
    inner join quarters
        on
            reps_with_lead_plan.role_start_date < quarters.next_quarter_start_month
            and (reps_with_lead_plan.end_date is null or reps_with_lead_plan.end_date >= quarters.quarter_start_month)
),

-- Months of the quarter in the ramp: the overlap of [first ramp month, ramp end) with the
-- quarter's three months; months before the rep started earn neither fixed pay nor formula.
ramp_in_quarter as (
    select
        *,
        case
            when first_ramp_month > quarter_start_month then first_ramp_month else quarter_start_month
        end as ramp_in_quarter_start_month,
        case
            when ramp_end_month < next_quarter_start_month then ramp_end_month else next_quarter_start_month
        end as ramp_in_quarter_end_month
    from rep_quarters
),

pay_months as (
    select
        *,
        {{ months_between('ramp_in_quarter_start_month', 'ramp_in_quarter_end_month') }}
            as ramp_month_span,
        {{ months_between('quarter_start_month', 'role_start_date') }}
            as months_before_start
    from ramp_in_quarter
),

classified as (
    select
        *,
        case when ramp_month_span > 0 then ramp_month_span else 0 end as ramp_months_in_quarter,
        case when months_before_start > 0 then months_before_start else 0 end as months_before_start_in_quarter,
        case
            when role_start_date > quarter_start_month then 'joined_mid_quarter'
            when quarter_start_month < ramp_end_month then 'ramping'
            else 'ramped'
        end as ramp_status,
        coalesce(team_lead_since < next_quarter_start_month, false) as is_team_lead_in_quarter,
        coalesce(team_lead_plan_start_month <= quarter_start_month, false) as is_on_team_lead_plan
    from pay_months
),

with_quotas as (
    select
        classified.owner_id,
        classified.quarter,
        classified.quarter_start_month,
        classified.sales_role,
        classified.team,
        classified.is_team_lead_in_quarter as is_team_lead,
        classified.is_on_team_lead_plan,
        classified.team_lead_since,
        classified.ote_usd,
        classified.role_start_date,
        classified.end_date,
        classified.first_ramp_month,
        classified.ramp_status,
        classified.ramp_months_in_quarter,
        3 - classified.ramp_months_in_quarter - classified.months_before_start_in_quarter as formula_months_in_quarter,
        quotas.quota_usd,
        quotas.owner_id is not null as has_quota,
        cast(
            case classified.ramp_status
                when 'ramped' then 1
                when 'ramping' then {{ var('quota_ramping_share') }}
                else 0
            end as decimal(9, 4)
        ) as team_quota_share
    from classified
    left join quotas
        on
            classified.owner_id = quotas.owner_id
            and classified.quarter = quotas.quarter
)

select * from with_quotas
