-- The average number of products adopted, quarter over quarter: per quarter, the customers paying in the
-- quarter's last month (adjusted MRR above 0), the products they pay at least `cross_sell_min_mrr_usd`
-- (100) for, the average per customer and its change from the previous quarter (the cross-sell goal is an
-- increase quarter over quarter).

with

customer_products_paid as (
    select * from {{ ref('int_customer_products_paid_monthly') }}
),

quarter_end_months as (
    select * from {{ ref('int_quarter_end_months') }}
),

quarters as (
    select
        quarter_end_months.quarter_start_month,
        quarter_end_months.quarter_end_month,
        quarter_end_months.is_quarter_in_progress,
        count(*) as paying_customers,
        sum(customer_products_paid.products_paid) as products_paid
    from quarter_end_months
    inner join customer_products_paid
        on quarter_end_months.quarter_end_month = customer_products_paid.month
    where customer_products_paid.adjusted_mrr_usd > 0
    group by
        quarter_end_months.quarter_start_month,
        quarter_end_months.quarter_end_month,
        quarter_end_months.is_quarter_in_progress
),

averaged as (
    select
        *,
        cast(products_paid as double) / paying_customers as average_products_paid
    from quarters
),

compared as (
    select
        *,
        lag(average_products_paid) over (order by quarter_start_month) as previous_quarter_average_products_paid
    from averaged
),

published as (
    select
        quarter_start_month,
        quarter_end_month,
        cast(paying_customers as integer) as paying_customers,
        cast(products_paid as integer) as products_paid,
        average_products_paid,
        previous_quarter_average_products_paid,
        average_products_paid - previous_quarter_average_products_paid as average_products_paid_change,
        is_quarter_in_progress
    from compared
)

select * from published
