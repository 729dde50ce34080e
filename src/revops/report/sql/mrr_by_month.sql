select
    totals.month,
    totals.mrr_usd,
    totals.adjusted_mrr_usd,
    totals.adjustments_net_usd,
    components.total_arr_usd,
    components.active_customers,
    totals.is_provisional
from marts.mrr_totals_monthly as totals
left join marts.lifecycle_components_monthly as components
    on totals.month = components.month
order by totals.month
