with

customers_profiled as (
    select * from {{ ref('int_customers_profiled') }}
),

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

account_owners_by_month as (
    select * from {{ ref('int_account_owners_assigned_to_months') }}
),

months as (
    select * from {{ ref('int_months') }}
),

-- The calendar's reporting month, as one row even when the calendar is empty (an aggregate).
reporting_month as (
    select max(reporting_month) as reporting_month
    from months
),

first_billed_months as (
    select
        organization_id,
        min(month) as first_billed_month
    from customer_months_adjusted
    group by organization_id
),

first_paid_months as (
    select
        organization_id,
        min(first_paid_month) as first_paid_month
    from customer_lifecycle_stages
    group by organization_id
),

reporting_month_revenue as (
    select
        customer_months_adjusted.organization_id,
        customer_months_adjusted.billing_configuration,
        customer_months_adjusted.mrr_usd,
        customer_months_adjusted.adjusted_mrr_usd
    from customer_months_adjusted
    inner join reporting_month
        on customer_months_adjusted.month = reporting_month.reporting_month
),

reporting_month_owners as (
    select
        account_owners_by_month.organization_id,
        account_owners_by_month.owner_id,
        account_owners_by_month.account_segment
    from account_owners_by_month
    inner join reporting_month
        on account_owners_by_month.month = reporting_month.reporting_month
),

-- A customer never billed (no month on the spine) is free, at 0, by the billing configurations' rule.
described as (
    select
        customers_profiled.organization_id,
        customers_profiled.company_name,
        customers_profiled.region,
        customers_profiled.industry,
        customers_profiled.employee_count,
        customers_profiled.employee_size_band,
        customers_profiled.created_at,
        first_billed_months.first_billed_month,
        first_paid_months.first_paid_month,
        reporting_month.reporting_month as as_of_month,
        coalesce(reporting_month_revenue.billing_configuration, 'free') as current_billing_configuration,
        reporting_month_owners.owner_id as current_owner_id,
        coalesce(reporting_month_owners.account_segment, 'Unassigned') as current_account_segment,
        cast(coalesce(reporting_month_revenue.mrr_usd, 0) as decimal(18, 2)) as current_mrr_usd,
        cast(coalesce(reporting_month_revenue.adjusted_mrr_usd, 0) as decimal(18, 2)) as current_adjusted_mrr_usd,
        customers_profiled.rolled_up_organizations,
        customers_profiled.rolled_up_organization_ids
    from customers_profiled
    cross join reporting_month
    left join first_billed_months
        on customers_profiled.organization_id = first_billed_months.organization_id
    left join first_paid_months
        on customers_profiled.organization_id = first_paid_months.organization_id
    left join reporting_month_revenue
        on customers_profiled.organization_id = reporting_month_revenue.organization_id
    left join reporting_month_owners
        on customers_profiled.organization_id = reporting_month_owners.organization_id
),

published as (
    select
        organization_id,
        cast(company_name as {{ dbt.type_string() }}) as company_name,
        region,
        industry,
        employee_count,
        employee_size_band,
        created_at,
        first_billed_month,
        first_paid_month,
        as_of_month,
        current_billing_configuration,
        current_owner_id,
        current_account_segment,
        current_mrr_usd,
        {{ mrr_to_arr('current_mrr_usd') }} as current_arr_usd,
        current_adjusted_mrr_usd,
        {{ mrr_to_arr('current_adjusted_mrr_usd') }} as current_adjusted_arr_usd,
        cast(rolled_up_organizations as integer) as rolled_up_organizations,
        rolled_up_organization_ids
    from described
)

select * from published
