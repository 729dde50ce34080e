-- Section 4, components per product: the MRR bridge of every product and month, from
-- the product lifecycle stages, with the rules of int_lifecycle_components_aggregated_to_months.
-- A product has a row for every month from its first paid month (any customer's) to the
-- reporting month: the stage rows are gap-free per customer and product, so no calendar
-- join is needed. Cross-sell (a NEW product month of a customer already paying for
-- another product) is counted apart as well, inside new.

with

product_lifecycle_stages as (
    select * from {{ ref('int_product_lifecycle_stages') }}
),

stages_aggregated as (
    select
        product_key,
        month,
        {{ dbt.bool_or('is_provisional') }} as is_provisional,
        {{ dbt.bool_or('is_in_analysis_window') }} as is_in_analysis_window,
        cast(sum(previous_mrr_usd) as decimal(18, 2)) as baseline_mrr_usd,
        cast(sum(case when stage = 'NEW' then mrr_usd else 0 end) as decimal(18, 2)) as new_mrr_usd,
        cast(sum(case when is_cross_sell then mrr_usd else 0 end) as decimal(18, 2)) as cross_sell_mrr_usd,
        cast(sum(case when stage = 'REACTIVATED' then mrr_usd else 0 end) as decimal(18, 2)) as reactivated_mrr_usd,
        cast(
            sum(
                case
                    when stage = 'FLAT' then mrr_usd
                    when stage in ('GROWING', 'SHRINKING') then previous_mrr_usd
                    else 0
                end
            ) as decimal(18, 2)
        ) as retained_mrr_usd,
        cast(
            sum(case when stage = 'GROWING' then mrr_usd - previous_mrr_usd else 0 end) as decimal(18, 2)
        ) as expansion_mrr_usd,
        cast(
            sum(case when stage = 'SHRINKING' then mrr_usd - previous_mrr_usd else 0 end) as decimal(18, 2)
        ) as contraction_mrr_usd,
        cast(-sum(case when stage = 'CHURNED' then previous_mrr_usd else 0 end) as decimal(18, 2)) as churned_mrr_usd,
        cast(sum(mrr_usd) as decimal(18, 2)) as total_mrr_usd,
        count(case when stage = 'NEW' then 1 end) as new_customers,
        count(case when is_cross_sell then 1 end) as cross_sell_customers,
        count(case when stage = 'REACTIVATED' then 1 end) as reactivated_customers,
        count(case when stage = 'FLAT' then 1 end) as flat_customers,
        count(case when stage = 'GROWING' then 1 end) as growing_customers,
        count(case when stage = 'SHRINKING' then 1 end) as shrinking_customers,
        count(case when stage = 'CHURNED' then 1 end) as churned_customers,
        count(case when mrr_usd > 0 then 1 end) as active_customers,
        count(case when previous_mrr_usd > 0 then 1 end) as baseline_customers
    from product_lifecycle_stages
    group by product_key, month
),

with_rates as (
    select
        *,
        cast(total_mrr_usd - baseline_mrr_usd as decimal(18, 2)) as net_change_mrr_usd,
        cast(new_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as new_rate_pct,
        cast(reactivated_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as reactivated_rate_pct,
        cast(expansion_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as expansion_rate_pct,
        cast(contraction_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as contraction_rate_pct,
        cast(churned_mrr_usd * 100 as double) / nullif(cast(baseline_mrr_usd as double), 0) as churn_rate_pct
    from stages_aggregated
)

select * from with_rates
