select
    cohort_month,
    onboarding_customers,
    retained_customers,
    lost_customers,
    first_bill_mrr_usd,
    months_observed,
    logo_retention,
    logo_retention_goal,
    meets_goal
from marts.onboarding_retention_cohorts
order by cohort_month desc
limit $rows
