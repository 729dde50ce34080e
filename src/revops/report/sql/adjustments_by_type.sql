select
    adjustment_type,
    adjustment_order,
    changes,
    customers,
    mrr_change_usd
from marts.revenue_adjustments_monthly
where month = $month
order by adjustment_order
