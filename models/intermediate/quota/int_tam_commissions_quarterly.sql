-- TAM quota, commission: one row per owner and reported quarter.
--   plan            the rep plan (var commission_variable_share, 50 %) on the rep's own
--                   commission attainment %: (commissionable attainment + held-back
--                   attainment released this quarter) / quota; or, from the first full
--                   quarter as team lead, the lead plan (var
--                   commission_team_lead_variable_share, 40 %) on the team's
--   ramp fixed pay  each ramp month in the quarter pays OTE × variable share / 12, fixed
--   formula         OTE × variable share / 4 × commission attainment % / 100, linear and
--                   uncapped, never below 0 (no clawback), pro-rated to the quarter's
--                   other months: × formula_months_in_quarter / 3
--   commission      ramp fixed pay + formula payout
-- The first reported quarter has no attainment and earns nothing by the formula (ramp pay,
-- which does not depend on attainment, is still paid). A missing quota or OTE leaves the
-- commission empty when the formula has months to pay.

with

rep_attainment as (
    select * from {{ ref('int_tam_attainment_quarterly') }}
),

team_attainment as (
    select * from {{ ref('int_team_attainment_quarterly') }}
),

commission_basis as (
    select
        rep_attainment.*,
        case
            when rep_attainment.is_on_team_lead_plan and team_attainment.team is not null then 'team'
            else 'individual'
        end as commission_basis,
        case
            when rep_attainment.is_on_team_lead_plan and team_attainment.team is not null
                then team_attainment.commission_attainment_pct
            else rep_attainment.paid_attainment_pct
        end as commission_attainment_pct,
        -- The same percentage's parts, so the payout is computed in decimals, to the cent.
        case
            when rep_attainment.is_on_team_lead_plan and team_attainment.team is not null
                then team_attainment.commissionable_attainment_usd + team_attainment.released_held_back_attainment_usd
            else rep_attainment.commissionable_attainment_usd + rep_attainment.released_held_back_attainment_usd
        end as commission_attainment_usd,
        case
            when rep_attainment.is_on_team_lead_plan and team_attainment.team is not null
                then team_attainment.team_quota_usd
            else rep_attainment.quota_usd
        end as commission_quota_usd,
        cast(
            case
                when rep_attainment.is_on_team_lead_plan then {{ var('commission_team_lead_variable_share') }}
                else {{ var('commission_variable_share') }}
            end as decimal(9, 4)
        ) as variable_share
    from rep_attainment
    left join team_attainment
        on
            rep_attainment.team = team_attainment.team
            and rep_attainment.quarter = team_attainment.quarter
),

pay_parts as (
    select
        *,
        cast(variable_share as double) as commission_variable_share,
        {{ divide_to_cents('ote_usd * variable_share * ramp_months_in_quarter', 12) }} as ramp_fixed_pay_usd,
        case
            when formula_months_in_quarter = 0 or is_first_reported_quarter then cast(0 as decimal(18, 2))
            -- OTE × share / 4 × (attainment / quota × 100) / 100 × months / 3, as one exact division:
            -- OTE × share × 10,000 × attainment × months / (12 × 10,000 × quota), the share scaled to
            -- a whole number so every operand has at most 6 decimals.
            else {{ divide_to_cents(
                'ote_usd * cast(variable_share * 10000 as decimal(18, 0)) * formula_months_in_quarter'
                ~ ' * case when commission_attainment_usd < 0 then 0 else commission_attainment_usd end',
                'nullif(120000 * commission_quota_usd, 0)'
            ) }}
        end as formula_payout_usd
    from commission_basis
),

commissions as (
    select
        *,
        cast(ramp_fixed_pay_usd + formula_payout_usd as decimal(18, 2)) as commission_usd
    from pay_parts
)

select * from commissions
