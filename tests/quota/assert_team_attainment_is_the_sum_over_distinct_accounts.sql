-- Reconciliation (TAM quota): a team's attainment is the sum over the distinct accounts in its
-- counted members' books (mid-quarter joiners left out), so that no account counts twice, and
-- its book size is the number of those accounts. Returns the teams that differ.

with

team_attainment as (
    select * from {{ ref('team_quota_attainment_quarterly') }}
),

rep_attainment as (
    select * from {{ ref('tam_quota_attainment_quarterly') }}
),

account_attainment as (
    select * from {{ ref('tam_quota_account_quarterly') }}
),

counted_member_accounts as (
    select
        rep_attainment.team,
        account_attainment.quarter,
        account_attainment.organization_id,
        account_attainment.counted_attainment_usd
    from account_attainment
    inner join rep_attainment
        on
            account_attainment.owner_id = rep_attainment.owner_id
            and account_attainment.quarter = rep_attainment.quarter
    where rep_attainment.team is not null and rep_attainment.ramp_status <> 'joined_mid_quarter'
),

account_sums as (
    select
        team,
        quarter,
        count(distinct organization_id) as book_accounts,
        count(*) as account_rows,
        sum(counted_attainment_usd) as attainment_usd
    from counted_member_accounts
    group by team, quarter
),

compared as (
    select
        team_attainment.team,
        team_attainment.quarter,
        team_attainment.attainment_usd,
        account_sums.attainment_usd as account_attainment_usd,
        team_attainment.book_accounts,
        account_sums.book_accounts as distinct_accounts
    from team_attainment
    left join account_sums
        on team_attainment.team = account_sums.team and team_attainment.quarter = account_sums.quarter
    where
        coalesce(account_sums.book_accounts, 0) <> coalesce(account_sums.account_rows, 0)
        or team_attainment.book_accounts <> coalesce(account_sums.book_accounts, 0)
        or (
            not team_attainment.is_first_reported_quarter
            and team_attainment.attainment_usd <> coalesce(account_sums.attainment_usd, 0)
        )
)

select * from compared
