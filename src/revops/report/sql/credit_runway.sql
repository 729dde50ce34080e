select
    contract_id,
    organization_id,
    credits_bought_usd,
    credits_remaining_usd,
    average_burn_3m_usd,
    runway_months,
    projected_run_out_month,
    contract_end_date,
    is_early_renewal,
    is_upcoming_renewal
from marts.contract_credit_runway_monthly
where month = $month
order by projected_run_out_month asc nulls last, contract_id asc
