with

rep_commissions as (
    select * from {{ ref('int_tam_commissions_quarterly') }}
),

published as (
    select
        owner_id,
        quarter,
        quarter_start_month,
        is_quarter_in_progress,
        is_first_reported_quarter,
        team,
        is_team_lead,
        ramp_status,
        cast(quota_usd as decimal(18, 2)) as quota_usd,
        cast(attainment_usd as decimal(18, 2)) as attainment_usd,
        cast(attainment_pct as double) as attainment_pct,
        cast(book_accounts as integer) as book_accounts,
        cast(commission_usd as decimal(18, 2)) as commission_usd,
        cast(uncounted_attainment_usd as decimal(18, 2)) as uncounted_attainment_usd,
        cast(commissionable_attainment_usd as decimal(18, 2)) as commissionable_attainment_usd,
        cast(commissionable_attainment_pct as double) as commissionable_attainment_pct,
        commission_basis,
        cast(commission_attainment_pct as double) as commission_attainment_pct,
        cast(commission_variable_share as double) as commission_variable_share,
        cast(ote_usd as decimal(18, 2)) as ote_usd,
        cast(book_quota_arr_usd as decimal(18, 2)) as book_quota_arr_usd,
        cast(book_previous_quota_arr_usd as decimal(18, 2)) as book_previous_quota_arr_usd,
        attainment_empty_reason,
        cast(held_back_attainment_usd as decimal(18, 2)) as held_back_attainment_usd,
        cast(released_held_back_attainment_usd as decimal(18, 2)) as released_held_back_attainment_usd,
        is_on_team_lead_plan,
        team_lead_since,
        first_ramp_month,
        cast(ramp_months_in_quarter as integer) as ramp_months_in_quarter,
        cast(formula_months_in_quarter as integer) as formula_months_in_quarter,
        cast(ramp_fixed_pay_usd as decimal(18, 2)) as ramp_fixed_pay_usd,
        cast(formula_payout_usd as decimal(18, 2)) as formula_payout_usd,
        cast(released_held_back_commission_usd as decimal(18, 2)) as released_held_back_commission_usd
    from rep_commissions
)

select * from published
