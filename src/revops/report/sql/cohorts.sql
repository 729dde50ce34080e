select
    cohort_month,
    months_since_start,
    cohort_size,
    active_customers,
    starting_mrr_usd,
    mrr_usd,
    ndr,
    gdr,
    logo_retention
from marts.retention_cohorts
order by cohort_month, months_since_start
