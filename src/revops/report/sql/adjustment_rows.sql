-- The largest changes to customers' totals in the month (product rows restate them per product).
select
    adjustments.organization_id,
    customers.company_name,
    adjustments.adjustment_type,
    adjustments.mrr_before_usd,
    adjustments.mrr_after_usd,
    adjustments.mrr_change_usd,
    adjustments.rule_inputs
from marts.revenue_adjustments as adjustments
left join marts.customers as customers
    on adjustments.organization_id = customers.organization_id
where adjustments.month = $month and adjustments.product_key is null
order by abs(adjustments.mrr_change_usd) desc, adjustments.organization_id asc, adjustments.adjustment_order asc
limit $rows
