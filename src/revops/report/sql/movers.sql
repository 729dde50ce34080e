select
    movers.direction,
    movers.rank,
    movers.organization_id,
    customers.company_name,
    movers.stage,
    movers.previous_mrr_usd,
    movers.mrr_usd,
    movers.mrr_change_usd,
    movers.products,
    movers.is_provisional
from marts.customer_movers_monthly as movers
left join marts.customers as customers
    on movers.organization_id = customers.organization_id
where movers.month = $month
order by movers.direction, movers.rank
