with

team_attainment as (
    select * from {{ ref('int_team_attainment_quarterly') }}
),

published as (
    select
        team,
        quarter,
        quarter_start_month,
        is_quarter_in_progress,
        is_first_reported_quarter,
        cast(team_quota_usd as decimal(18, 2)) as team_quota_usd,
        cast(attainment_usd as decimal(18, 2)) as attainment_usd,
        cast(attainment_pct as double) as attainment_pct,
        cast(ramped_members as integer) as ramped_members,
        cast(ramping_members as integer) as ramping_members,
        cast(joined_mid_quarter_members as integer) as joined_mid_quarter_members,
        cast(commissionable_attainment_usd as decimal(18, 2)) as commissionable_attainment_usd,
        cast(commissionable_attainment_pct as double) as commissionable_attainment_pct,
        team_lead_owner_id,
        attainment_empty_reason,
        cast(held_back_attainment_usd as decimal(18, 2)) as held_back_attainment_usd,
        cast(released_held_back_attainment_usd as decimal(18, 2)) as released_held_back_attainment_usd,
        cast(commission_attainment_pct as double) as commission_attainment_pct,
        cast(book_accounts as integer) as book_accounts,
        cast(members_without_quota as integer) as members_without_quota
    from team_attainment
)

select * from published
