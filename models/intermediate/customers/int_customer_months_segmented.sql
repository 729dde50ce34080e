-- The slices a customer-month falls in, for every month of the customer's spine (its first billed
-- month to the reporting month): region and employee-size band (from the customer's top
-- organization; they do not change over time), the month's billing configuration, and the account
-- owner and book segment on the month's last day (`Unassigned` with an empty owner_id when nobody
-- owns the account). The by-segment retention and lifecycle tables and the customers dimension
-- read their slices from here.

with

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

customers_profiled as (
    select * from {{ ref('int_customers_profiled') }}
),

account_owners_by_month as (
    select * from {{ ref('int_account_owners_assigned_to_months') }}
),

segmented as (
    select
        customer_months_adjusted.organization_id,
        customer_months_adjusted.month,
        customers_profiled.region,
        customers_profiled.employee_size_band,
        customer_months_adjusted.billing_configuration,
        account_owners_by_month.owner_id,
        coalesce(account_owners_by_month.account_segment, 'Unassigned') as account_segment
    from customer_months_adjusted
    inner join customers_profiled
        on customer_months_adjusted.organization_id = customers_profiled.organization_id
    left join account_owners_by_month
        on
            customer_months_adjusted.organization_id = account_owners_by_month.organization_id
            and customer_months_adjusted.month = account_owners_by_month.month
)

select * from segmented
