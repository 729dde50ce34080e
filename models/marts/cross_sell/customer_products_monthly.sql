-- Products paid per customer and month: how many products each paying customer pays at least
-- `cross_sell_min_mrr_usd` (100) of MRR for, and which. Months with adjusted MRR above 0 only.

with

customer_products_paid as (
    select * from {{ ref('int_customer_products_paid_monthly') }}
),

published as (
    select
        organization_id,
        month,
        adjusted_mrr_usd,
        products_paid,
        cast(products_paid_keys as {{ dbt.type_string() }}) as products_paid_keys,
        is_provisional
    from customer_products_paid
    where adjusted_mrr_usd > 0
)

select * from published
