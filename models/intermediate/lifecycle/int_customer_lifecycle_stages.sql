-- Section 4: the lifecycle stage of every customer-month, on adjusted MRR, from the
-- customer's first month with adjusted MRR > 0 (its NEW month) to the reporting month.
--   NEW          the first month with MRR > 0
--   REACTIVATED  MRR > 0, previous month 0 (so an earlier month > 0 and a gap at 0)
--   FLAT         MRR > 0 and exactly equal to the previous month's (decimal equality)
--   GROWING      MRR > previous month's > 0
--   SHRINKING    0 < MRR < previous month's
--   CHURNED      MRR = 0, previous month > 0
--   (inactive)   MRR = 0, previous month 0: kept here with a null stage so the spine
--                stays gap-free; customer_lifecycle_monthly leaves these rows out.
-- Stages are computed on the full history; the analysis window only flags months.
-- The input spine is gap-free per customer, so lag() is the previous calendar month.

with

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

with_previous_month as (
    select
        organization_id,
        month,
        {{ lifecycle_previous_month('adjusted_mrr_usd', 'organization_id') }}
    from customer_months_adjusted
),

from_first_paid_month as (
    select * from with_previous_month
    where month >= first_paid_month
),

staged as (
    select
        organization_id,
        month,
        first_paid_month,
        cast(mrr_usd as decimal(18, 2)) as mrr_usd,
        cast(previous_mrr_usd as decimal(18, 2)) as previous_mrr_usd,
        {{ lifecycle_stage('month', 'first_paid_month', 'mrr_usd', 'previous_mrr_usd') }} as stage
    from from_first_paid_month
),

flagged as (
    select
        staged.organization_id,
        staged.month,
        staged.first_paid_month,
        staged.stage,
        staged.mrr_usd,
        staged.previous_mrr_usd,
        cast(staged.mrr_usd - staged.previous_mrr_usd as decimal(18, 2)) as mrr_change_usd,
        months.is_newest_month as is_provisional,
        months.is_in_analysis_window
    from staged
    inner join months
        on staged.month = months.month
)

select * from flagged
