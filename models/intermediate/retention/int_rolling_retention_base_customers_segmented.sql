-- Rolling retention by slice: every base customer of every month M and lookback k (from
-- int_rolling_retention_base_customers) with the slices it was in at the base month B = M - k:
-- region, employee-size band, billing configuration, account owner and book segment. A base
-- customer is judged where it stood when it entered the base (a customer handed to another owner,
-- or moved to a contract, since then still counts for the owner and configuration of B), so each
-- slice's NDR and GDR answer "how did the revenue we had in B develop".

with

base_customers as (
    select * from {{ ref('int_rolling_retention_base_customers') }}
),

customer_months_segmented as (
    select * from {{ ref('int_customer_months_segmented') }}
),

segmented as (
    select
        base_customers.organization_id,
        base_customers.month,
        base_customers.lookback_months,
        base_customers.base_month,
        base_customers.is_provisional,
        customer_months_segmented.region,
        customer_months_segmented.employee_size_band,
        customer_months_segmented.billing_configuration,
        customer_months_segmented.owner_id,
        customer_months_segmented.account_segment,
        base_customers.base_mrr_usd,
        base_customers.current_mrr_usd,
        base_customers.capped_mrr_usd,
        base_customers.is_churned
    from base_customers
    inner join customer_months_segmented
        on
            base_customers.organization_id = customer_months_segmented.organization_id
            and base_customers.base_month = customer_months_segmented.month
)

select * from segmented
