-- Churn rate by number of products: per month, the customers that paid the month before, grouped by how
-- many products they paid for then (at least `cross_sell_min_mrr_usd` each), and how many of them, and how
-- much of their MRR, churned this month (adjusted MRR 0). Does adopting more products keep customers?

with

customer_products_paid as (
    select * from {{ ref('int_customer_products_paid_monthly') }}
),

baseline as (
    select
        current_month.month,
        previous_month.products_paid as products_paid_previous_month,
        previous_month.adjusted_mrr_usd as previous_mrr_usd,
        current_month.adjusted_mrr_usd = 0 as is_churned,
        current_month.is_provisional
    from customer_products_paid as previous_month
    inner join customer_products_paid as current_month
        on
            previous_month.organization_id = current_month.organization_id
            and current_month.month = cast({{ dbt.dateadd('month', 1, 'previous_month.month') }} as date)
    where previous_month.adjusted_mrr_usd > 0
),

aggregated as (
    select
        month,
        products_paid_previous_month,
        count(*) as baseline_customers,
        sum(case when is_churned then 1 else 0 end) as churned_customers,
        sum(previous_mrr_usd) as baseline_mrr_usd,
        sum(case when is_churned then previous_mrr_usd else 0 end) as churned_mrr_usd,
        max(case when is_provisional then 1 else 0 end) = 1 as is_provisional
    from baseline
    group by month, products_paid_previous_month
),

published as (
    select
        month,
        cast(products_paid_previous_month as integer) as products_paid_previous_month,
        cast(baseline_customers as integer) as baseline_customers,
        cast(churned_customers as integer) as churned_customers,
        cast(baseline_mrr_usd as decimal(18, 2)) as baseline_mrr_usd,
        cast(churned_mrr_usd as decimal(18, 2)) as churned_mrr_usd,
        cast(churned_customers as double) / baseline_customers as logo_churn_rate,
        cast(churned_mrr_usd as double) / nullif(cast(baseline_mrr_usd as double), 0) as mrr_churn_rate,
        is_provisional
    from aggregated
)

select * from published
