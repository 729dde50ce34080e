select
    quarter_start_month,
    paying_customers,
    products_paid,
    average_products_paid,
    average_products_paid_change,
    is_quarter_in_progress
from marts.products_adopted_quarterly
order by quarter_start_month desc
limit $rows
