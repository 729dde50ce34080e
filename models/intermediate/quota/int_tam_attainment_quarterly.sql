-- Section 7, a rep's attainment: one row per owner and reported quarter in which the
-- owner has an AM Managed book or a quota. Attainment = Σ over the book of what each
-- account counts (grace and optimization applied); attainment % = attainment / quota
-- × 100. The same over commissionable attainment (positive attainment of customers
-- that have not paid their first two invoices left out) feeds commission.

with

accounts_counted as (
    select * from {{ ref('int_quota_attainment_counted_quarterly') }}
),

quotas as (
    select * from {{ ref('stg_crm__quotas') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

reps_ramped as (
    select * from {{ ref('int_sales_reps_ramped_quarterly') }}
),

book_totals as (
    select
        owner_id,
        quarter,
        count(*) as book_accounts,
        sum(attainment_usd) as uncounted_attainment_usd,
        sum(counted_attainment_usd) as attainment_usd,
        sum(commissionable_attainment_usd) as commissionable_attainment_usd,
        sum(quota_arr_usd) as book_quota_arr_usd,
        sum(previous_quota_arr_usd) as book_previous_quota_arr_usd
    from accounts_counted
    group by owner_id, quarter
),

reported_quotas as (
    select
        quotas.owner_id,
        quotas.quarter,
        quotas.quota_usd
    from quotas
    inner join quarters
        on quotas.quarter = quarters.quarter
),

owner_quarters as (
    select
        owner_id,
        quarter
    from book_totals
    union
    select
        owner_id,
        quarter
    from reported_quotas
),

joined as (
    select
        owner_quarters.owner_id,
        owner_quarters.quarter,
        quarters.quarter_start_month,
        quarters.is_quarter_in_progress,
        quarters.is_first_reported_quarter,
        reps_ramped.team,
        coalesce(reps_ramped.is_team_lead, false) as is_team_lead,
        reps_ramped.ote_usd,
        reps_ramped.ramp_status,
        coalesce(reps_ramped.team_quota_share, 0) as team_quota_share,
        reported_quotas.quota_usd,
        coalesce(book_totals.book_accounts, 0) as book_accounts,
        cast(coalesce(book_totals.book_quota_arr_usd, 0) as decimal(18, 2)) as book_quota_arr_usd,
        cast(coalesce(book_totals.book_previous_quota_arr_usd, 0) as decimal(18, 2)) as book_previous_quota_arr_usd,
        cast(coalesce(book_totals.uncounted_attainment_usd, 0) as decimal(18, 2)) as uncounted_attainment_usd,
        cast(coalesce(book_totals.attainment_usd, 0) as decimal(18, 2)) as attainment_usd,
        cast(coalesce(book_totals.commissionable_attainment_usd, 0) as decimal(18, 2)) as commissionable_attainment_usd
    from owner_quarters
    inner join quarters
        on owner_quarters.quarter = quarters.quarter
    left join book_totals
        on owner_quarters.owner_id = book_totals.owner_id and owner_quarters.quarter = book_totals.quarter
    left join reported_quotas
        on owner_quarters.owner_id = reported_quotas.owner_id and owner_quarters.quarter = reported_quotas.quarter
    left join reps_ramped
        on owner_quarters.owner_id = reps_ramped.owner_id and owner_quarters.quarter = reps_ramped.quarter
),

percentages as (
    select
        *,
        cast(100.0 * attainment_usd / nullif(quota_usd, 0) as double) as attainment_pct,
        cast(100.0 * commissionable_attainment_usd / nullif(quota_usd, 0) as double) as commissionable_attainment_pct
    from joined
)

select * from percentages
