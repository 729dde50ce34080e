-- Every adjusted product dollar is explained: for every customer-product-month,
-- mrr_usd + the product's audited changes = adjusted_mrr_usd.

with

mrr_product_monthly as (
    select * from {{ ref('mrr_product_monthly') }}
),

revenue_adjustments as (
    select * from {{ ref('revenue_adjustments') }}
),

product_changes as (
    select
        organization_id,
        product_key,
        month,
        sum(mrr_change_usd) as change_usd
    from revenue_adjustments
    where product_key is not null
    group by organization_id, product_key, month
),

unexplained as (
    select
        mrr_product_monthly.*,
        product_changes.change_usd
    from mrr_product_monthly
    left join product_changes
        on
            mrr_product_monthly.organization_id = product_changes.organization_id
            and mrr_product_monthly.product_key = product_changes.product_key
            and mrr_product_monthly.month = product_changes.month
    where mrr_product_monthly.mrr_usd + coalesce(product_changes.change_usd, 0) <> mrr_product_monthly.adjusted_mrr_usd
)

select * from unexplained
