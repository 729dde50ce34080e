-- Product adoption quarter over quarter: per quarter and product, the customers paying at least
-- `cross_sell_min_mrr_usd` (100) of MRR for the product in the quarter's last month, and the change from
-- the previous quarter. Every product of the catalogue has a row every quarter.

with

product_mrr_adjusted_monthly as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

quarter_end_months as (
    select * from {{ ref('int_quarter_end_months') }}
),

product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

adopters as (
    select
        quarter_end_months.quarter_start_month,
        product_mrr_adjusted_monthly.product_key,
        count(*) as adopting_customers
    from product_mrr_adjusted_monthly
    inner join quarter_end_months
        on product_mrr_adjusted_monthly.month = quarter_end_months.quarter_end_month
    where product_mrr_adjusted_monthly.adjusted_mrr_usd >= {{ var('cross_sell_min_mrr_usd') }}
    group by quarter_end_months.quarter_start_month, product_mrr_adjusted_monthly.product_key
),

quarter_products as (
    select
        quarter_end_months.quarter_start_month,
        quarter_end_months.quarter_end_month,
        quarter_end_months.is_quarter_in_progress,
        product_catalogue.product_key,
        coalesce(adopters.adopting_customers, 0) as adopting_customers
    from quarter_end_months
    cross join product_catalogue
    left join adopters
        on
            quarter_end_months.quarter_start_month = adopters.quarter_start_month
            and product_catalogue.product_key = adopters.product_key
),

compared as (
    select
        *,
        lag(adopting_customers) over (
            partition by product_key order by quarter_start_month
        ) as previous_quarter_adopting_customers
    from quarter_products
),

published as (
    select
        quarter_start_month,
        quarter_end_month,
        cast(product_key as {{ dbt.type_string() }}) as product_key,
        cast(adopting_customers as integer) as adopting_customers,
        cast(previous_quarter_adopting_customers as integer) as previous_quarter_adopting_customers,
        cast(adopting_customers - previous_quarter_adopting_customers as integer) as adopting_customers_change,
        is_quarter_in_progress
    from compared
)

select * from published
