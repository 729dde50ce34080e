-- The reporting month (var as_of_month, or the newest month with a usage invoice) is the
-- last month of every revenue and lifecycle table: invoices, lines, credits, refunds and
-- trials of later months are ignored, and a credit purchase paying for later months is
-- cut at it. Returns each table that holds a later month.

with

months as (
    select * from {{ ref('int_months') }}
),

reporting_month as (
    select max(month) as reporting_month
    from months
),

newest_months as (
    select
        'int_invoices_attributed_to_months' as table_name,
        max(month) as newest_month
    from {{ ref('int_invoices_attributed_to_months') }}

    union all

    select
        'int_invoice_lines_attributed_to_months' as table_name,
        max(month) as newest_month
    from {{ ref('int_invoice_lines_attributed_to_months') }}

    union all

    select
        'int_one_time_credits_aggregated_to_months' as table_name,
        max(month) as newest_month
    from {{ ref('int_one_time_credits_aggregated_to_months') }}

    union all

    select
        'int_trial_organizations_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('int_trial_organizations_monthly') }}

    union all

    select
        'mrr_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('mrr_monthly') }}

    union all

    select
        'mrr_product_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('mrr_product_monthly') }}

    union all

    select
        'revenue_adjustments' as table_name,
        max(month) as newest_month
    from {{ ref('revenue_adjustments') }}

    union all

    select
        'customer_lifecycle_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('customer_lifecycle_monthly') }}

    union all

    select
        'product_lifecycle_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('product_lifecycle_monthly') }}

    union all

    select
        'lifecycle_components_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('lifecycle_components_monthly') }}

    union all

    select
        'lifecycle_components_product_monthly' as table_name,
        max(month) as newest_month
    from {{ ref('lifecycle_components_product_monthly') }}
),

later as (
    select
        newest_months.table_name,
        newest_months.newest_month,
        reporting_month.reporting_month
    from newest_months
    cross join reporting_month
    where newest_months.newest_month > reporting_month.reporting_month
)

select * from later
