-- TAM quota, commission: one row per owner and reported quarter.
--   plan            the rep plan (var commission_variable_share, 50 %) on the rep's own
--                   commission attainment %: commissionable attainment / quota; or, from the
--                   first full quarter as team lead, the lead plan (var
--                   commission_team_lead_variable_share, 40 %) on the team's
--   ramp fixed pay  each ramp month in the quarter pays OTE × variable share / 12, fixed
--   formula         OTE × variable share / 4 × commission attainment % / 100, linear and
--                   uncapped, never below 0 (no clawback), pro-rated to the quarter's
--                   other months: × formula_months_in_quarter / 3; computed as
--                   OTE × share × formula months × commissionable / (12 × quota), rounded
--                   to the cent once
--   released        held-back attainment paid in this quarter is paid at the terms of the
--                   quarter that earned it (its quota, OTE, plan and variable share, its
--                   formula months and its own commissionable attainment): what that quarter
--                   would have paid had the late invoices been paid on time, less what it
--                   paid. Paying late does not change the amount, this quarter's decline
--                   does not net it, and a rep who has left by now is still paid it.
--                   Several releases of one earning quarter are paid in release order, each
--                   the step it adds to that quarter's payout.
--   commission      ramp fixed pay + formula payout + released held-back commission
-- The first reported quarter has no attainment and earns nothing by the formula (ramp pay,
-- which does not depend on attainment, is still paid). A missing quota or OTE leaves the
-- commission empty when the formula has months to pay. Months outside the role pay neither
-- ramp nor formula (a rep who left before a release has a row with only the release).

with

rep_attainment as (
    select * from {{ ref('int_tam_attainment_quarterly') }}
),

team_attainment as (
    select * from {{ ref('int_team_attainment_quarterly') }}
),

accounts_commissionable as (
    select * from {{ ref('int_quota_attainment_commissionable_quarterly') }}
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
            else rep_attainment.commissionable_attainment_pct
        end as commission_attainment_pct,
        case
            when rep_attainment.is_on_team_lead_plan and team_attainment.team is not null
                then team_attainment.commissionable_attainment_usd
            else rep_attainment.commissionable_attainment_usd
        end as basis_commissionable_attainment_usd,
        case
            when rep_attainment.is_on_team_lead_plan and team_attainment.team is not null
                then team_attainment.team_quota_usd
            else rep_attainment.quota_usd
        end as basis_quota_usd,
        cast(
            case
                when rep_attainment.is_on_team_lead_plan then {{ var('commission_team_lead_variable_share') }}
                else {{ var('commission_variable_share') }}
            end as decimal(9, 4)
        ) as variable_share,
        coalesce(rep_attainment.ramp_months_in_quarter, 0) as ramp_months_paid,
        coalesce(rep_attainment.formula_months_in_quarter, 0) as formula_months_paid
    from rep_attainment
    left join team_attainment
        on
            rep_attainment.team = team_attainment.team
            and rep_attainment.quarter = team_attainment.quarter
),

-- OTE × share × formula months, the part of the formula that does not depend on attainment
-- (wider than 18 digits: DuckDB multiplies two decimal(18)s in 64 bits and overflows)
formula_terms as (
    select
        *,
        cast(ote_usd * variable_share * formula_months_paid as decimal(24, 6)) as formula_ote_share_usd
    from commission_basis
),

released_to_owner as (
    select
        owner_id,
        quarter as earning_quarter,
        held_back_paid_in_quarter as release_quarter,
        sum(held_back_attainment_usd) as released_attainment_usd
    from accounts_commissionable
    where held_back_paid_in_quarter is not null
    group by owner_id, quarter, held_back_paid_in_quarter
),

released_to_team as (
    select
        rep_attainment.team,
        released_to_owner.earning_quarter,
        released_to_owner.release_quarter,
        sum(released_to_owner.released_attainment_usd) as released_attainment_usd
    from released_to_owner
    inner join rep_attainment
        on
            released_to_owner.owner_id = rep_attainment.owner_id
            and released_to_owner.earning_quarter = rep_attainment.quarter
    where rep_attainment.team is not null and rep_attainment.is_counted_team_member
    group by rep_attainment.team, released_to_owner.earning_quarter, released_to_owner.release_quarter
),

-- each release on the basis the earning quarter paid on: the owner's own, or the team's
releases_on_earning_terms as (
    select
        formula_terms.owner_id,
        formula_terms.quarter as earning_quarter,
        released_to_owner.release_quarter,
        released_to_owner.released_attainment_usd
    from formula_terms
    inner join released_to_owner
        on
            formula_terms.owner_id = released_to_owner.owner_id
            and formula_terms.quarter = released_to_owner.earning_quarter
    where formula_terms.commission_basis = 'individual'
    union all
    select
        formula_terms.owner_id,
        formula_terms.quarter as earning_quarter,
        released_to_team.release_quarter,
        released_to_team.released_attainment_usd
    from formula_terms
    inner join released_to_team
        on
            formula_terms.team = released_to_team.team
            and formula_terms.quarter = released_to_team.earning_quarter
    where formula_terms.commission_basis = 'team'
),

releases_cumulated as (
    select
        releases_on_earning_terms.owner_id,
        releases_on_earning_terms.earning_quarter,
        releases_on_earning_terms.release_quarter,
        formula_terms.formula_months_paid,
        formula_terms.formula_ote_share_usd,
        formula_terms.basis_quota_usd,
        formula_terms.basis_commissionable_attainment_usd
        + sum(releases_on_earning_terms.released_attainment_usd) over (
            partition by releases_on_earning_terms.owner_id, releases_on_earning_terms.earning_quarter
            order by releases_on_earning_terms.release_quarter
            rows between unbounded preceding and current row
        ) as attainment_through_release_usd,
        releases_on_earning_terms.released_attainment_usd
    from releases_on_earning_terms
    inner join formula_terms
        on
            releases_on_earning_terms.owner_id = formula_terms.owner_id
            and releases_on_earning_terms.earning_quarter = formula_terms.quarter
),

releases_paid as (
    select
        owner_id,
        earning_quarter,
        release_quarter,
        case
            when formula_months_paid = 0 then cast(0 as decimal(18, 2))
            else
                {{ divide_to_cents(
                    'formula_ote_share_usd * case when attainment_through_release_usd > 0'
                    ~ ' then attainment_through_release_usd else 0 end',
                    '12 * nullif(basis_quota_usd, 0)'
                ) }}
                - {{ divide_to_cents(
                    'formula_ote_share_usd * case when attainment_through_release_usd - released_attainment_usd > 0'
                    ~ ' then attainment_through_release_usd - released_attainment_usd else 0 end',
                    '12 * nullif(basis_quota_usd, 0)'
                ) }}
        end as released_commission_usd
    from releases_cumulated
),

released_commissions as (
    select
        owner_id,
        release_quarter as quarter,
        -- one earning quarter without a quota or OTE leaves the release empty, not smaller
        case
            when count(*) = count(released_commission_usd) then sum(released_commission_usd)
        end as released_held_back_commission_usd
    from releases_paid
    group by owner_id, release_quarter
),

pay_parts as (
    select
        formula_terms.*,
        cast(formula_terms.variable_share as double) as commission_variable_share,
        case
            when formula_terms.ramp_months_paid = 0 then cast(0 as decimal(18, 2))
            else
                {{ divide_to_cents(
                    'formula_terms.ote_usd * formula_terms.variable_share * formula_terms.ramp_months_paid', 12
                ) }}
        end as ramp_fixed_pay_usd,
        case
            when formula_terms.formula_months_paid = 0 or formula_terms.is_first_reported_quarter
                then cast(0 as decimal(18, 2))
            else
                {{ divide_to_cents(
                    'formula_terms.formula_ote_share_usd * case when formula_terms.basis_commissionable_attainment_usd > 0'
                    ~ ' then formula_terms.basis_commissionable_attainment_usd else 0 end',
                    '12 * nullif(formula_terms.basis_quota_usd, 0)'
                ) }}
        end as formula_payout_usd,
        cast(
            case
                when released_commissions.quarter is null then 0
                else released_commissions.released_held_back_commission_usd
            end as decimal(18, 2)
        ) as released_held_back_commission_usd
    from formula_terms
    left join released_commissions
        on
            formula_terms.owner_id = released_commissions.owner_id
            and formula_terms.quarter = released_commissions.quarter
),

commissions as (
    select
        *,
        cast(
            ramp_fixed_pay_usd + formula_payout_usd + released_held_back_commission_usd as decimal(18, 2)
        ) as commission_usd
    from pay_parts
)

select * from commissions
