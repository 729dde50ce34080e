-- Section 7, team quota and attainment: one row per team and reported quarter. The
-- members are the team's reps in the role that quarter who carry a quota or a book
-- (int_tam_attainment_quarterly); the lead is a member with an individual quota.
-- Team quota = Σ members' quotas × their share (100 % ramped, var quota_ramping_share
-- ramping, 0 for a mid-quarter joiner); team attainment = Σ attainment of the members
-- other than mid-quarter joiners; attainment % = attainment / team quota × 100.

with

rep_attainment as (
    select * from {{ ref('int_tam_attainment_quarterly') }}
),

team_members as (
    select * from rep_attainment
    where team is not null
),

team_totals as (
    select
        team,
        quarter,
        min(quarter_start_month) as quarter_start_month,
        {{ dbt.bool_or('is_quarter_in_progress') }} as is_quarter_in_progress,
        {{ dbt.bool_or('is_first_reported_quarter') }} as is_first_reported_quarter,
        cast(sum(coalesce(quota_usd, 0) * team_quota_share) as decimal(18, 2)) as team_quota_usd,
        cast(
            sum(case when ramp_status <> 'joined_mid_quarter' then attainment_usd else 0 end) as decimal(18, 2)
        ) as attainment_usd,
        cast(
            sum(case when ramp_status <> 'joined_mid_quarter' then commissionable_attainment_usd else 0 end)
            as decimal(18, 2)
        ) as commissionable_attainment_usd,
        sum(case when ramp_status = 'ramped' then 1 else 0 end) as ramped_members,
        sum(case when ramp_status = 'ramping' then 1 else 0 end) as ramping_members,
        sum(case when ramp_status = 'joined_mid_quarter' then 1 else 0 end) as joined_mid_quarter_members,
        max(case when is_team_lead then owner_id end) as team_lead_owner_id
    from team_members
    group by team, quarter
),

percentages as (
    select
        *,
        cast(100.0 * attainment_usd / nullif(team_quota_usd, 0) as double) as attainment_pct,
        cast(
            100.0 * commissionable_attainment_usd / nullif(team_quota_usd, 0) as double
        ) as commissionable_attainment_pct
    from team_totals
)

select * from percentages
