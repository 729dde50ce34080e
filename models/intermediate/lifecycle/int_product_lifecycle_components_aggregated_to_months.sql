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
        {{ lifecycle_components() }},
        cast(sum(case when is_cross_sell then mrr_usd else 0 end) as decimal(18, 2)) as cross_sell_mrr_usd,
        count(case when is_cross_sell then 1 end) as cross_sell_customers
    from product_lifecycle_stages
    group by product_key, month
),

with_rates as (
    select
        *,
        {{ lifecycle_rates() }}
    from stages_aggregated
)

select * from with_rates
