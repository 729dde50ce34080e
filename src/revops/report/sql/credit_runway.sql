select
    runway.contract_id,
    runway.organization_id,
    customers.company_name,
    runway.credits_bought_usd,
    runway.credits_remaining_usd,
    runway.average_burn_3m_usd,
    runway.runway_months,
    runway.projected_run_out_month,
    runway.contract_end_date,
    runway.is_early_renewal,
    runway.is_upcoming_renewal
from marts.contract_credit_runway_monthly as runway
left join marts.customers as customers
    on runway.organization_id = customers.organization_id
where runway.month = $month
order by runway.projected_run_out_month asc nulls last, runway.contract_id asc
