-- Every adjusted dollar is explained (issue 3): for every customer-month,
--   the top organization's own MRR + the consolidation changes = mrr_usd (unadjusted, consolidated)
--   mrr_usd + the changes of the other four adjustments        = adjusted_mrr_usd
-- Returns the customer-months where either does not hold to the cent.

with

mrr_monthly as (
    select * from {{ ref('mrr_monthly') }}
),

revenue_adjustments as (
    select * from {{ ref('revenue_adjustments') }}
),

total_changes as (
    select
        organization_id,
        month,
        sum(case when adjustment_type = 'consolidation' then mrr_change_usd else 0 end) as consolidation_change_usd,
        sum(case when adjustment_type <> 'consolidation' then mrr_change_usd else 0 end) as other_change_usd
    from revenue_adjustments
    where product_key is null
    group by organization_id, month
),

reconciled as (
    select
        mrr_monthly.organization_id,
        mrr_monthly.month,
        mrr_monthly.own_mrr_usd,
        mrr_monthly.mrr_usd,
        mrr_monthly.adjusted_mrr_usd,
        coalesce(total_changes.consolidation_change_usd, 0) as consolidation_change_usd,
        coalesce(total_changes.other_change_usd, 0) as other_change_usd
    from mrr_monthly
    left join total_changes
        on
            mrr_monthly.organization_id = total_changes.organization_id
            and mrr_monthly.month = total_changes.month
),

unexplained as (
    select * from reconciled
    where
        own_mrr_usd + consolidation_change_usd <> mrr_usd
        or mrr_usd + other_change_usd <> adjusted_mrr_usd
)

select * from unexplained
