-- TAM quota, team quota and attainment: one row per team and reported quarter. The members
-- are the team's reps in the role that quarter who carry a quota, a book or released
-- attainment (int_tam_attainment_quarterly); the lead is a member with an individual quota.
-- Team quota = Σ members' quotas × their share (100 % ramped, var quota_ramping_share
-- ramping, 0 for a mid-quarter joiner); team attainment = Σ attainment of the counted
-- members (is_counted_team_member: not mid-quarter joiners, and with a quota for the
-- quarter: a member without one adds neither quota nor attainment, counted in
-- members_without_quota), which, with one owner per account and quarter, is the sum over
-- distinct accounts; attainment % = attainment / team quota × 100. The lead plan is paid on
-- the team's commission attainment %: its commissionable attainment over the team quota.
-- Held-back attainment released to the members this quarter is shown
-- (released_held_back_attainment_usd) but paid at the terms of the quarter that earned it.
-- In the first reported quarter there is no attainment (attainment_empty_reason).

with

rep_attainment as (
    select * from {{ ref('int_tam_attainment_quarterly') }}
),

team_members as (
    select
        *,
        is_counted_team_member as is_counted_member
    from rep_attainment
    where team is not null
),

team_totals as (
    select
        team,
        quarter,
        min(quarter_start_month) as quarter_start_month,
        {{ dbt.bool_or('is_quarter_in_progress') }} as is_quarter_in_progress,
        {{ dbt.bool_or('is_first_reported_quarter') }} as is_first_reported_quarter,
        max(attainment_empty_reason) as attainment_empty_reason,
        cast(sum(coalesce(quota_usd, 0) * team_quota_share) as decimal(18, 2)) as team_quota_usd,
        cast(
            sum(case when is_counted_member then attainment_usd else 0 end) as decimal(18, 2)
        ) as attainment_usd,
        cast(
            sum(case when is_counted_member then commissionable_attainment_usd else 0 end) as decimal(18, 2)
        ) as commissionable_attainment_usd,
        cast(
            sum(case when is_counted_member then held_back_attainment_usd else 0 end) as decimal(18, 2)
        ) as held_back_attainment_usd,
        cast(
            sum(case when is_counted_member then released_held_back_attainment_usd else 0 end) as decimal(18, 2)
        ) as released_held_back_attainment_usd,
        sum(case when is_counted_member then book_accounts else 0 end) as book_accounts,
        sum(case when ramp_status = 'ramped' then 1 else 0 end) as ramped_members,
        sum(case when ramp_status = 'ramping' then 1 else 0 end) as ramping_members,
        sum(case when ramp_status = 'joined_mid_quarter' then 1 else 0 end) as joined_mid_quarter_members,
        sum(
            case when ramp_status <> 'joined_mid_quarter' and quota_usd is null then 1 else 0 end
        ) as members_without_quota,
        max(case when is_team_lead then owner_id end) as team_lead_owner_id
    from team_members
    group by team, quarter
),

first_quarter_emptied as (
    select
        team,
        quarter,
        quarter_start_month,
        is_quarter_in_progress,
        is_first_reported_quarter,
        attainment_empty_reason,
        team_quota_usd,
        case when not is_first_reported_quarter then attainment_usd end as attainment_usd,
        case when not is_first_reported_quarter then commissionable_attainment_usd end as commissionable_attainment_usd,
        case when not is_first_reported_quarter then held_back_attainment_usd end as held_back_attainment_usd,
        released_held_back_attainment_usd,
        book_accounts,
        ramped_members,
        ramping_members,
        joined_mid_quarter_members,
        members_without_quota,
        team_lead_owner_id
    from team_totals
),

percentages as (
    select
        *,
        cast(100.0 * attainment_usd / nullif(team_quota_usd, 0) as double) as attainment_pct,
        cast(
            100.0 * commissionable_attainment_usd / nullif(team_quota_usd, 0) as double
        ) as commissionable_attainment_pct,
        -- what the lead plan pays on this quarter; held-back attainment released this quarter
        -- is paid at the terms of the quarter that earned it (int_tam_commissions_quarterly)
        cast(
            100.0 * commissionable_attainment_usd / nullif(team_quota_usd, 0) as double
        ) as commission_attainment_pct
    from first_quarter_emptied
)

select * from percentages
