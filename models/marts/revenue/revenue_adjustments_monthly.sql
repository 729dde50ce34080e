-- What each adjustment did to the customers' total MRR in every month: the changes it made, to how many
-- customers, and the MRR it moved. Per-product rows of the audit trail are left out (they restate the
-- customer rows product by product).

with

revenue_adjustments as (
    select * from {{ ref('revenue_adjustments') }}
),

customer_changes as (
    select * from revenue_adjustments
    where product_key is null
),

by_type as (
    select
        month,
        adjustment_type,
        min(adjustment_order) as adjustment_order,
        count(*) as changes,
        count(distinct organization_id) as customers,
        sum(mrr_change_usd) as mrr_change_usd
    from customer_changes
    group by month, adjustment_type
),

published as (
    select
        month,
        adjustment_type,
        cast(adjustment_order as integer) as adjustment_order,
        cast(changes as integer) as changes,
        cast(customers as integer) as customers,
        cast(mrr_change_usd as decimal(18, 2)) as mrr_change_usd
    from by_type
)

select * from published
