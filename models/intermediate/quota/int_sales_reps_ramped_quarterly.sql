-- Section 7, team quota proration: one row per rep and reported quarter in which the
-- rep was in the role on at least one day, with the quarter's quota and ramp status:
--   ramped              in the role since before the quarter's first day minus var
--                       quota_ramp_months months                -> 100 % of quota to the team
--   ramping             begins the quarter within the first var quota_ramp_months
--                       months in the role (started on or before its first day)
--                                                     -> var quota_ramping_share of quota
--   joined_mid_quarter  started after the quarter's first day -> adds neither quota
--                       nor attainment to the team that quarter
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

rep_quarters as (
    select
        sales_reps.owner_id,
        quarters.quarter,
        quarters.quarter_start_month,
        sales_reps.sales_role,
        sales_reps.team,
        coalesce(sales_reps.is_team_lead, false) as is_team_lead,
        sales_reps.ote_usd,
        sales_reps.role_start_date,
        sales_reps.end_date
    from sales_reps
    inner join quarters
        on
            sales_reps.role_start_date < quarters.next_quarter_start_month
            and (sales_reps.end_date is null or sales_reps.end_date >= quarters.quarter_start_month)
),

classified as (
    select
        *,
        case
            when role_start_date > quarter_start_month then 'joined_mid_quarter'
            when
                quarter_start_month
                < cast({{ dbt.dateadd('month', var('quota_ramp_months'), 'role_start_date') }} as date)
                then 'ramping'
            else 'ramped'
        end as ramp_status
    from rep_quarters
),

with_quotas as (
    select
        classified.owner_id,
        classified.quarter,
        classified.quarter_start_month,
        classified.sales_role,
        classified.team,
        classified.is_team_lead,
        classified.ote_usd,
        classified.role_start_date,
        classified.end_date,
        classified.ramp_status,
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
