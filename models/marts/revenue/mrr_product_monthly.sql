with

product_months_adjusted as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

published as (
    select
        organization_id,
        product_key,
        month,
        mrr_usd,
        adjusted_mrr_usd,
        usage_units
    from product_months_adjusted
)

select * from published
