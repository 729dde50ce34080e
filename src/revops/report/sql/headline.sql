-- The months the headline tiles show: the newest complete month of the analysis window, and the
-- provisional months after it (their one-time credit and spike rules wait for the following month).
-- With no complete month yet, every month of the window is returned and the newest one is headlined.
with newest_complete as (
    select max(month) as month
    from marts.lifecycle_components_monthly
    where is_in_analysis_window and not is_provisional
)

select
    components.month,
    totals.mrr_usd,
    components.total_mrr_usd,
    components.total_arr_usd,
    components.net_change_mrr_usd,
    components.active_customers,
    components.churn_rate_pct,
    components.expansion_rate_pct,
    components.is_provisional
from marts.lifecycle_components_monthly as components
inner join marts.mrr_totals_monthly as totals
    on components.month = totals.month
cross join newest_complete
where
    components.is_in_analysis_window
    and (newest_complete.month is null or components.month >= newest_complete.month)
order by components.month
