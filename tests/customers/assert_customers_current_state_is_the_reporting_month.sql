-- The customers dimension describes the reporting month: each customer's current billing
-- configuration, MRR and adjusted MRR are its mrr_monthly row of the newest month (a customer
-- without one, never billed, is free at 0), so the current columns sum to that month's total,
-- and as_of_month is that month.
-- Returns the customers whose current state disagrees.

with

customers as (
    select * from {{ ref('customers') }}
),

customer_months as (
    select * from {{ ref('mrr_monthly') }}
),

newest_month as (
    select max(month) as month
    from customer_months
),

newest_customer_months as (
    select customer_months.*
    from customer_months
    inner join newest_month
        on customer_months.month = newest_month.month
),

compared as (
    select
        customers.organization_id,
        customers.as_of_month,
        newest_month.month as newest_month,
        customers.current_billing_configuration,
        coalesce(newest_customer_months.billing_configuration, 'free') as expected_billing_configuration,
        customers.current_mrr_usd,
        coalesce(newest_customer_months.mrr_usd, 0) as expected_mrr_usd,
        customers.current_adjusted_mrr_usd,
        coalesce(newest_customer_months.adjusted_mrr_usd, 0) as expected_adjusted_mrr_usd
    from customers
    cross join newest_month
    left join newest_customer_months
        on customers.organization_id = newest_customer_months.organization_id
),

failing as (
    select * from compared
    where
        as_of_month <> newest_month
        or current_billing_configuration <> expected_billing_configuration
        or current_mrr_usd <> expected_mrr_usd
        or current_adjusted_mrr_usd <> expected_adjusted_mrr_usd
)

select * from failing
