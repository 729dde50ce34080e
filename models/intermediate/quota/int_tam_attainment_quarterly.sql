-- TAM quota, a rep's attainment: one row per owner and reported quarter in which the owner
-- has an AM Managed book, a quota, or held-back attainment paid out. Attainment = Σ over the
-- book (one owner per account and quarter) of what each account counts (grace and
-- optimization applied); attainment % = attainment / quota × 100. The same over the
-- commissionable attainment and the attainment held back for late payment. Held-back
-- attainment is released to the owner who earned it in the quarter in which the last of the
-- late invoices is paid (released_held_back_attainment_usd); it is paid at the terms of the
-- quarter that earned it (int_tam_commissions_quarterly), so it does not enter this
-- quarter's percentages. A counted team member (is_counted_team_member) adds quota and
-- attainment to the team: every member with a quota for the quarter but a mid-quarter
-- joiner; a member without a quota adds neither, like a mid-quarter joiner. In the first reported
-- quarter there is no attainment (attainment_empty_reason).

with

accounts_commissionable as (
    select * from {{ ref('int_quota_attainment_commissionable_quarterly') }}
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
        sum(held_back_attainment_usd) as held_back_attainment_usd,
        sum(quota_arr_usd) as book_quota_arr_usd,
        sum(previous_quota_arr_usd) as book_previous_quota_arr_usd
    from accounts_commissionable
    group by owner_id, quarter
),

released_attainment as (
    select
        owner_id,
        held_back_paid_in_quarter as quarter,
        sum(held_back_attainment_usd) as released_held_back_attainment_usd
    from accounts_commissionable
    where held_back_paid_in_quarter is not null
    group by owner_id, held_back_paid_in_quarter
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
    union
    select
        owner_id,
        quarter
    from released_attainment
),

joined as (
    select
        owner_quarters.owner_id,
        owner_quarters.quarter,
        quarters.quarter_start_month,
        quarters.is_quarter_in_progress,
        quarters.is_first_reported_quarter,
        quarters.attainment_empty_reason,
        reps_ramped.team,
        coalesce(reps_ramped.is_team_lead, false) as is_team_lead,
        coalesce(reps_ramped.is_on_team_lead_plan, false) as is_on_team_lead_plan,
        reps_ramped.team_lead_since,
        reps_ramped.ote_usd,
        reps_ramped.ramp_status,
        reps_ramped.first_ramp_month,
        reps_ramped.ramp_months_in_quarter,
        reps_ramped.formula_months_in_quarter,
        coalesce(reps_ramped.team_quota_share, 0) as team_quota_share,
        reported_quotas.quota_usd,
        coalesce(book_totals.book_accounts, 0) as book_accounts,
        cast(coalesce(book_totals.book_quota_arr_usd, 0) as decimal(18, 2)) as book_quota_arr_usd,
        case
            when not quarters.is_first_reported_quarter
                then cast(coalesce(book_totals.book_previous_quota_arr_usd, 0) as decimal(18, 2))
        end as book_previous_quota_arr_usd,
        case
            when not quarters.is_first_reported_quarter
                then cast(coalesce(book_totals.uncounted_attainment_usd, 0) as decimal(18, 2))
        end as uncounted_attainment_usd,
        case
            when not quarters.is_first_reported_quarter
                then cast(coalesce(book_totals.attainment_usd, 0) as decimal(18, 2))
        end as attainment_usd,
        case
            when not quarters.is_first_reported_quarter
                then cast(coalesce(book_totals.commissionable_attainment_usd, 0) as decimal(18, 2))
        end as commissionable_attainment_usd,
        case
            when not quarters.is_first_reported_quarter
                then cast(coalesce(book_totals.held_back_attainment_usd, 0) as decimal(18, 2))
        end as held_back_attainment_usd,
        cast(
            coalesce(released_attainment.released_held_back_attainment_usd, 0) as decimal(18, 2)
        ) as released_held_back_attainment_usd
    from owner_quarters
    inner join quarters
        on owner_quarters.quarter = quarters.quarter
    left join book_totals
        on owner_quarters.owner_id = book_totals.owner_id and owner_quarters.quarter = book_totals.quarter
    left join released_attainment
        on
            owner_quarters.owner_id = released_attainment.owner_id
            and owner_quarters.quarter = released_attainment.quarter
    left join reported_quotas
        on owner_quarters.owner_id = reported_quotas.owner_id and owner_quarters.quarter = reported_quotas.quarter
    left join reps_ramped
        on owner_quarters.owner_id = reps_ramped.owner_id and owner_quarters.quarter = reps_ramped.quarter
),

percentages as (
    select
        *,
        cast(100.0 * attainment_usd / nullif(quota_usd, 0) as double) as attainment_pct,
        cast(100.0 * commissionable_attainment_usd / nullif(quota_usd, 0) as double) as commissionable_attainment_pct,
        -- a member without a quota for the quarter would add attainment but no quota to the team
        coalesce(ramp_status <> 'joined_mid_quarter', false) and quota_usd is not null as is_counted_team_member
    from joined
)

select * from percentages
