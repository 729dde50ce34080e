-- Reconciliation (TAM quota): a team's quota and attainment are exactly the sums over
-- its members' rows: quota prorated by ramp status (100 % ramped, var quota_ramping_share
-- ramping), attainment of all but mid-quarter joiners, who add neither. Returns the teams that differ.

with

team_attainment as (
    select * from {{ ref('team_quota_attainment_quarterly') }}
),

rep_attainment as (
    select * from {{ ref('tam_quota_attainment_quarterly') }}
),

member_sums as (
    select
        team,
        quarter,
        sum(
            case ramp_status
                when 'ramped' then coalesce(quota_usd, 0)
                when 'ramping' then coalesce(quota_usd, 0) * {{ var('quota_ramping_share') }}
                else 0
            end
        ) as team_quota_usd,
        sum(case when ramp_status in ('ramped', 'ramping') then attainment_usd else 0 end) as attainment_usd,
        sum(case when ramp_status = 'ramped' then 1 else 0 end) as ramped_members,
        sum(case when ramp_status = 'ramping' then 1 else 0 end) as ramping_members
    from rep_attainment
    where team is not null
    group by team, quarter
),

compared as (
    select
        team_attainment.team,
        team_attainment.quarter,
        team_attainment.team_quota_usd,
        member_sums.team_quota_usd as member_quota_usd,
        team_attainment.attainment_usd,
        member_sums.attainment_usd as member_attainment_usd
    from team_attainment
    full outer join member_sums
        on team_attainment.team = member_sums.team and team_attainment.quarter = member_sums.quarter
    where
        team_attainment.team is null
        or member_sums.team is null
        or abs(team_attainment.team_quota_usd - member_sums.team_quota_usd) >= 0.01
        or (
            not team_attainment.is_first_reported_quarter
            and team_attainment.attainment_usd <> member_sums.attainment_usd
        )
        or (team_attainment.is_first_reported_quarter and team_attainment.attainment_usd is not null)
        or team_attainment.ramped_members <> member_sums.ramped_members
        or team_attainment.ramping_members <> member_sums.ramping_members
)

select * from compared
