-- Section 7, commission: one row per owner and reported quarter. Linear and uncapped:
-- payout = OTE × variable share / 4 × commission attainment % / 100, where the
-- variable share is var commission_variable_share (50 %), or var
-- commission_team_lead_variable_share (40 %) for a team lead, whose attainment % is
-- the team's. Commission attainment is the commissionable attainment (counted
-- attainment, with the positive attainment of customers that have not paid their
-- first two invoices left out). A negative attainment % pays 0 (no clawback); a
-- missing quota or OTE leaves the commission empty.

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
            when rep_attainment.is_team_lead and team_attainment.team is not null then 'team'
            else 'individual'
        end as commission_basis,
        case
            when rep_attainment.is_team_lead and team_attainment.team is not null
                then team_attainment.commissionable_attainment_pct
            else rep_attainment.commissionable_attainment_pct
        end as commission_attainment_pct,
        cast(
            case
                when rep_attainment.is_team_lead then {{ var('commission_team_lead_variable_share') }}
                else {{ var('commission_variable_share') }}
            end as double
        ) as commission_variable_share
    from rep_attainment
    left join team_attainment
        on
            rep_attainment.team = team_attainment.team
            and rep_attainment.quarter = team_attainment.quarter
),

commissions as (
    select
        *,
        cast(
            ote_usd * commission_variable_share / 4
            * case when commission_attainment_pct < 0 then 0 else commission_attainment_pct end / 100
            as decimal(18, 2)
        ) as commission_usd
    from commission_basis
)

select * from commissions
