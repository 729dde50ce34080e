-- Section 4, per product: the MRR bridge closes exactly for every product and month,
-- in decimal money, with MRR(m) and MRR(m - 1) taken independently as the sum of
-- adjusted_mrr_usd of int_product_mrr_adjusted_monthly:
--   MRR(m) - MRR(m - 1) = new + reactivated + expansion + contraction + churned
--   MRR(m)              = new + reactivated + retained + expansion + contraction
-- A product-month of the input without a components row (before the product's first
-- paid month) must have MRR 0 in it and in the month before. Returns the failures.

with

product_lifecycle_components as (
    select * from {{ ref('int_product_lifecycle_components_aggregated_to_months') }}
),

product_months_adjusted as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

adjusted_mrr_per_product_month as (
    select
        product_key,
        month,
        cast(sum(adjusted_mrr_usd) as decimal(18, 2)) as mrr_usd
    from product_months_adjusted
    group by product_key, month
),

with_previous_month as (
    select
        current_month.product_key,
        current_month.month,
        current_month.mrr_usd,
        coalesce(previous_month.mrr_usd, 0) as previous_mrr_usd
    from adjusted_mrr_per_product_month as current_month
    left join adjusted_mrr_per_product_month as previous_month
        on
            current_month.product_key = previous_month.product_key
            and previous_month.month = cast({{ dbt.dateadd('month', -1, 'current_month.month') }} as date)
),

compared as (
    select
        coalesce(with_previous_month.product_key, product_lifecycle_components.product_key) as product_key,
        coalesce(with_previous_month.month, product_lifecycle_components.month) as month,
        coalesce(with_previous_month.mrr_usd, 0) as mrr_usd,
        coalesce(with_previous_month.previous_mrr_usd, 0) as previous_mrr_usd,
        product_lifecycle_components.month is not null as has_components,
        coalesce(product_lifecycle_components.baseline_mrr_usd, 0) as baseline_mrr_usd,
        coalesce(product_lifecycle_components.total_mrr_usd, 0) as total_mrr_usd,
        coalesce(
            product_lifecycle_components.new_mrr_usd
            + product_lifecycle_components.reactivated_mrr_usd
            + product_lifecycle_components.expansion_mrr_usd
            + product_lifecycle_components.contraction_mrr_usd
            + product_lifecycle_components.churned_mrr_usd,
            0
        ) as net_change_from_components_usd,
        coalesce(
            product_lifecycle_components.new_mrr_usd
            + product_lifecycle_components.reactivated_mrr_usd
            + product_lifecycle_components.retained_mrr_usd
            + product_lifecycle_components.expansion_mrr_usd
            + product_lifecycle_components.contraction_mrr_usd,
            0
        ) as total_from_components_usd
    from with_previous_month
    full outer join product_lifecycle_components
        on
            with_previous_month.product_key = product_lifecycle_components.product_key
            and with_previous_month.month = product_lifecycle_components.month
),

failing as (
    select * from compared
    where
        baseline_mrr_usd <> previous_mrr_usd
        or total_mrr_usd <> mrr_usd
        or mrr_usd - previous_mrr_usd <> net_change_from_components_usd
        or mrr_usd <> total_from_components_usd
)

select * from failing
