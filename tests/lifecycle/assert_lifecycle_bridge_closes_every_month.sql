-- Section 4: the MRR bridge of the customer lifecycle closes exactly, every month of the
-- calendar (full history, not only the published window), in decimal money:
--   MRR(m) - MRR(m - 1) = new + reactivated + expansion + contraction + churned
--   MRR(m)              = new + reactivated + retained + expansion + contraction
-- with MRR(m) and MRR(m - 1) taken independently as the sum of adjusted_mrr_usd of
-- int_mrr_adjusted_monthly, and the components' baseline equal to MRR(m - 1).
-- Returns the months where any of these fails.

with

lifecycle_components as (
    select * from {{ ref('int_lifecycle_components_aggregated_to_months') }}
),

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

adjusted_mrr_per_month as (
    select
        months.month,
        cast(coalesce(sum(customer_months_adjusted.adjusted_mrr_usd), 0) as decimal(18, 2)) as mrr_usd
    from months
    left join customer_months_adjusted
        on months.month = customer_months_adjusted.month
    group by months.month
),

with_previous_month as (
    select
        current_month.month,
        current_month.mrr_usd,
        coalesce(previous_month.mrr_usd, 0) as previous_mrr_usd
    from adjusted_mrr_per_month as current_month
    left join adjusted_mrr_per_month as previous_month
        on previous_month.month = cast({{ dbt.dateadd('month', -1, 'current_month.month') }} as date)
),

compared as (
    select
        with_previous_month.month,
        with_previous_month.mrr_usd,
        with_previous_month.previous_mrr_usd,
        lifecycle_components.baseline_mrr_usd,
        lifecycle_components.total_mrr_usd,
        lifecycle_components.new_mrr_usd
        + lifecycle_components.reactivated_mrr_usd
        + lifecycle_components.expansion_mrr_usd
        + lifecycle_components.contraction_mrr_usd
        + lifecycle_components.churned_mrr_usd as net_change_from_components_usd,
        lifecycle_components.new_mrr_usd
        + lifecycle_components.reactivated_mrr_usd
        + lifecycle_components.retained_mrr_usd
        + lifecycle_components.expansion_mrr_usd
        + lifecycle_components.contraction_mrr_usd as total_from_components_usd
    from with_previous_month
    left join lifecycle_components
        on with_previous_month.month = lifecycle_components.month
),

failing as (
    select * from compared
    where
        baseline_mrr_usd is null
        or baseline_mrr_usd <> previous_mrr_usd
        or total_mrr_usd <> mrr_usd
        or mrr_usd - previous_mrr_usd <> net_change_from_components_usd
        or mrr_usd <> total_from_components_usd
)

select * from failing
