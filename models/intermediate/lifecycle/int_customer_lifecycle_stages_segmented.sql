-- Lifecycle by slice: every customer-month with a lifecycle stage (inactive months left out, as
-- in customer_lifecycle_monthly) with the slices it counts in. The slice is taken where the
-- month's baseline was: at the previous month for a customer that paid then (FLAT, GROWING,
-- SHRINKING, CHURNED: its previous MRR is part of the baseline), at the month itself for a NEW or
-- REACTIVATED customer (nothing in the baseline). So churn lands in the configuration, owner and
-- segment the customer churned from (a churned month's own configuration is `free`), and, as in
-- rolling retention, a customer is judged where it stood at the start of the change. Every row's
-- components add up as in the company-wide bridge, so the slices sum to it exactly.

with

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

customer_months_segmented as (
    select * from {{ ref('int_customer_months_segmented') }}
),

staged_months as (
    select
        organization_id,
        month,
        stage,
        mrr_usd,
        previous_mrr_usd,
        is_provisional,
        is_in_analysis_window,
        case
            when previous_mrr_usd > 0 then cast({{ dbt.dateadd('month', -1, 'month') }} as date)
            else month
        end as slice_month
    from customer_lifecycle_stages
    where stage is not null
),

segmented as (
    select
        staged_months.organization_id,
        staged_months.month,
        staged_months.slice_month,
        staged_months.stage,
        staged_months.mrr_usd,
        staged_months.previous_mrr_usd,
        staged_months.is_provisional,
        staged_months.is_in_analysis_window,
        customer_months_segmented.region,
        customer_months_segmented.employee_size_band,
        customer_months_segmented.billing_configuration,
        customer_months_segmented.owner_id,
        customer_months_segmented.account_segment
    from staged_months
    inner join customer_months_segmented
        on
            staged_months.organization_id = customer_months_segmented.organization_id
            and staged_months.slice_month = customer_months_segmented.month
)

select * from segmented
