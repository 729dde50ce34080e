-- Top-line MRR of every month: the sums of unadjusted and adjusted MRR over every customer, and how
-- far the adjustments moved the total. Read by the report, so it shows the warehouse's numbers, not
-- its own arithmetic.

with

mrr_monthly as (
    select * from {{ ref('mrr_monthly') }}
),

totals as (
    select
        month,
        sum(mrr_usd) as mrr_usd,
        sum(adjusted_mrr_usd) as adjusted_mrr_usd,
        count(distinct organization_id) as customers,
        max(case when is_provisional then 1 else 0 end) = 1 as is_provisional
    from mrr_monthly
    group by month
),

published as (
    select
        month,
        cast(mrr_usd as decimal(18, 2)) as mrr_usd,
        cast(adjusted_mrr_usd as decimal(18, 2)) as adjusted_mrr_usd,
        cast(adjusted_mrr_usd - mrr_usd as decimal(18, 2)) as adjustments_net_usd,
        cast(customers as integer) as customers,
        is_provisional
    from totals
)

select * from published
