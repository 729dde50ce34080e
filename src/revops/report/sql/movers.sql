select
    direction,
    rank,
    organization_id,
    stage,
    previous_mrr_usd,
    mrr_usd,
    mrr_change_usd,
    products
from marts.customer_movers_monthly
where month = $month
order by direction, rank
