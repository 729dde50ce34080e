-- Section 4, components: the MRR bridge of every calendar month, from the customer
-- lifecycle stages.
--   new          = sum of MRR of NEW            reactivated = sum of MRR of REACTIVATED
--   retained     = sum of MRR of FLAT + sum of previous MRR of GROWING and SHRINKING
--   expansion    = sum of (MRR - previous) of GROWING (positive)
--   contraction  = sum of (MRR - previous) of SHRINKING (negative)
--   churned      = - sum of previous MRR of CHURNED (negative)
--   baseline     = total MRR of the previous month (the sum of every row's previous MRR)
--   rates        = component / baseline x 100; null when the baseline is 0 (never inf);
--                  computed as (component x 100) / baseline, one rounding in floating point
-- So that MRR(m) - MRR(m - 1) = new + reactivated + expansion + contraction + churned
-- and MRR(m) = new + reactivated + retained + expansion + contraction, exactly.
-- Every month of the calendar has a row; a month before any paying customer is all 0.

with

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

months as (
    select * from {{ ref('int_months') }}
),

stages_aggregated as (
    select
        month,
        {{ lifecycle_components() }}
    from customer_lifecycle_stages
    group by month
),

calendar_months_joined as (
    select
        months.month,
        months.is_newest_month as is_provisional,
        months.is_in_analysis_window,
        cast(coalesce(stages_aggregated.baseline_mrr_usd, 0) as decimal(18, 2)) as baseline_mrr_usd,
        cast(coalesce(stages_aggregated.new_mrr_usd, 0) as decimal(18, 2)) as new_mrr_usd,
        cast(coalesce(stages_aggregated.reactivated_mrr_usd, 0) as decimal(18, 2)) as reactivated_mrr_usd,
        cast(coalesce(stages_aggregated.retained_mrr_usd, 0) as decimal(18, 2)) as retained_mrr_usd,
        cast(coalesce(stages_aggregated.expansion_mrr_usd, 0) as decimal(18, 2)) as expansion_mrr_usd,
        cast(coalesce(stages_aggregated.contraction_mrr_usd, 0) as decimal(18, 2)) as contraction_mrr_usd,
        cast(coalesce(stages_aggregated.churned_mrr_usd, 0) as decimal(18, 2)) as churned_mrr_usd,
        cast(coalesce(stages_aggregated.total_mrr_usd, 0) as decimal(18, 2)) as total_mrr_usd,
        coalesce(stages_aggregated.new_customers, 0) as new_customers,
        coalesce(stages_aggregated.reactivated_customers, 0) as reactivated_customers,
        coalesce(stages_aggregated.flat_customers, 0) as flat_customers,
        coalesce(stages_aggregated.growing_customers, 0) as growing_customers,
        coalesce(stages_aggregated.shrinking_customers, 0) as shrinking_customers,
        coalesce(stages_aggregated.churned_customers, 0) as churned_customers,
        coalesce(stages_aggregated.active_customers, 0) as active_customers,
        coalesce(stages_aggregated.baseline_customers, 0) as baseline_customers
    from months
    left join stages_aggregated
        on months.month = stages_aggregated.month
),

with_rates as (
    select
        *,
        {{ lifecycle_rates() }}
    from calendar_months_joined
)

select * from with_rates
