-- The newest months of the analysis window, oldest first.
select
    newest.month,
    newest.baseline_mrr_usd,
    newest.new_mrr_usd,
    newest.reactivated_mrr_usd,
    newest.retained_mrr_usd,
    newest.expansion_mrr_usd,
    newest.contraction_mrr_usd,
    newest.churned_mrr_usd,
    newest.total_mrr_usd,
    newest.net_change_mrr_usd,
    newest.new_rate_pct,
    newest.expansion_rate_pct,
    newest.contraction_rate_pct,
    newest.churn_rate_pct,
    newest.new_customers,
    newest.reactivated_customers,
    newest.churned_customers,
    newest.active_customers,
    newest.is_provisional
from (
    select *
    from marts.lifecycle_components_monthly
    where is_in_analysis_window
    order by month desc
    limit $months
) as newest
order by newest.month
