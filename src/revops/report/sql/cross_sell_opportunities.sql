select
    quarter,
    owner_id,
    product_key,
    opportunities_created,
    opportunities_won,
    opportunities_lost,
    win_rate,
    average_deal_size_mrr_usd,
    average_cycle_days,
    won_with_revenue
from marts.cross_sell_opportunities_quarterly
order by quarter_start_month desc, owner_id asc, product_key asc
