-- The largest changes to customers' totals in the month (product rows restate them per product).
select
    organization_id,
    adjustment_type,
    mrr_before_usd,
    mrr_after_usd,
    mrr_change_usd,
    rule_inputs
from marts.revenue_adjustments
where month = $month and product_key is null
order by abs(mrr_change_usd) desc, organization_id asc, adjustment_order asc
limit $rows
