-- Cross-sell: the products each customer pays for per month. A product counts as paid in a month when its
-- adjusted MRR is at least `cross_sell_min_mrr_usd` (100), the amount from which the handbook counts a
-- cross-sell as won. One row per customer and month of its spine, with its adjusted MRR.

with

mrr_adjusted_monthly as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

product_mrr_adjusted_monthly as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

products_paid as (
    select
        organization_id,
        month,
        count(*) as products_paid,
        {{ dbt.listagg('product_key', "', '", 'order by product_key') }} as products_paid_keys
    from product_mrr_adjusted_monthly
    where adjusted_mrr_usd >= {{ var('cross_sell_min_mrr_usd') }}
    group by organization_id, month
),

customer_products as (
    select
        mrr_adjusted_monthly.organization_id,
        mrr_adjusted_monthly.month,
        mrr_adjusted_monthly.adjusted_mrr_usd,
        cast(coalesce(products_paid.products_paid, 0) as integer) as products_paid,
        products_paid.products_paid_keys,
        months.is_newest_month as is_provisional
    from mrr_adjusted_monthly
    inner join months
        on mrr_adjusted_monthly.month = months.month
    left join products_paid
        on
            mrr_adjusted_monthly.organization_id = products_paid.organization_id
            and mrr_adjusted_monthly.month = products_paid.month
)

select * from customer_products
