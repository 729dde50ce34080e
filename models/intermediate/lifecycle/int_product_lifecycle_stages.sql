-- Section 4, per product: the lifecycle stage of every customer-product-month, on
-- adjusted per-product MRR, from the customer's first month with MRR > 0 on the product
-- to the reporting month. The stage ladder is int_customer_lifecycle_stages' one, per
-- (customer, product); inactive months (0 after 0) keep a null stage.
-- A cross-sell is a product's NEW month for a customer that already paid for another
-- product in an earlier month, with the product's MRR that month at least
-- var cross_sell_min_mrr_usd (100): NEW for the product, not a new customer. A smaller
-- first bill stays NEW without the flag.
-- The input spine is gap-free per customer and product, so lag() is the previous month.

with

product_months_adjusted as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

with_previous_month as (
    select
        organization_id,
        product_key,
        month,
        {{ lifecycle_previous_month('adjusted_mrr_usd', 'organization_id, product_key') }}
    from product_months_adjusted
),

-- A group by, not a window over another partition: one sort of the product months is enough.
customer_first_paid_months as (
    select
        organization_id,
        min(month) as customer_first_paid_month
    from product_months_adjusted
    where adjusted_mrr_usd > 0
    group by organization_id
),

from_first_paid_month as (
    select * from with_previous_month
    where month >= first_paid_month
),

staged as (
    select
        from_first_paid_month.organization_id,
        from_first_paid_month.product_key,
        from_first_paid_month.month,
        from_first_paid_month.first_paid_month,
        customer_first_paid_months.customer_first_paid_month,
        cast(from_first_paid_month.mrr_usd as decimal(18, 2)) as mrr_usd,
        cast(from_first_paid_month.previous_mrr_usd as decimal(18, 2)) as previous_mrr_usd,
        {{ lifecycle_stage(
            'from_first_paid_month.month',
            'from_first_paid_month.first_paid_month',
            'from_first_paid_month.mrr_usd',
            'from_first_paid_month.previous_mrr_usd',
        ) }} as stage
    from from_first_paid_month
    left join customer_first_paid_months
        on from_first_paid_month.organization_id = customer_first_paid_months.organization_id
),

flagged as (
    select
        staged.organization_id,
        staged.product_key,
        staged.month,
        staged.first_paid_month,
        staged.stage,
        staged.mrr_usd,
        staged.previous_mrr_usd,
        cast(staged.mrr_usd - staged.previous_mrr_usd as decimal(18, 2)) as mrr_change_usd,
        staged.stage = 'NEW'
        and staged.customer_first_paid_month < staged.month
        and staged.mrr_usd >= {{ var('cross_sell_min_mrr_usd') }} as is_cross_sell,
        months.is_newest_month as is_provisional,
        months.is_in_analysis_window
    from staged
    inner join months
        on staged.month = months.month
)

select * from flagged
