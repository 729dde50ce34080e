-- TAM quota in constant currency (docs/rules.md 2.8 and 7.6): attainment compares a quarter
-- with the one before it, so both are valued at one rate, the later quarter's last-month
-- rate (its last counted month while in progress), and a move in exchange rates alone never
-- shows as attainment. One row per customer, quarter Q and month of Q or of the quarter
-- before it, with what int_quota_arr_quarterly reads for those months, every amount at Q's
-- rate: the invoiced usage (each invoice and product's exact lines after coupons converted
-- and rounded once, as int_invoice_lines_attributed_to_months does at the month's rate),
-- the paid products and the multiplier (a product is paid above var
-- quota_paid_product_min_usd in USD at that rate), and the run rate of the contracts in force
-- (the credit value converted exactly, then / term months to the cent once). In USD nothing
-- moves:
-- the values are those of int_quota_invoice_amounts_monthly and
-- int_quota_contract_run_rates_monthly.

with

book_invoice_lines as (
    select * from {{ ref('int_quota_book_invoice_lines') }}
),

book_accounts as (
    select * from {{ ref('int_quota_book_accounts') }}
),

contracts_in_force as (
    select * from {{ ref('int_contracts_in_force_monthly') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

-- Only the accounts of a quota book reach a quota table (int_quota_book_accounts).
book_contracts_in_force as (
    select * from contracts_in_force
    where organization_id in (select book_accounts.organization_id from book_accounts)
),

valuations as (
    select
        quarter,
        last_counted_month as valuation_month,
        cast({{ dbt.dateadd('month', -3, 'quarter_start_month') }} as date) as first_month,
        last_counted_month as last_month
    from quarters
),

product_amounts_valued as (
    select
        book_invoice_lines.organization_id,
        valuations.quarter,
        book_invoice_lines.month,
        book_invoice_lines.product_key,
        cast(
            sum(
                {{ convert_to_cents(
                    'book_invoice_lines.amount_after_coupons_exact',
                    'book_invoice_lines.currency',
                    usd_per_unit('book_invoice_lines.currency', 'fx_rates_monthly.usd_per_unit'),
                ) }}
            ) as decimal(18, 2)
        ) as amount_usd
    from book_invoice_lines
    inner join valuations
        on book_invoice_lines.month between valuations.first_month and valuations.last_month
    left join fx_rates_monthly
        on
            book_invoice_lines.currency = fx_rates_monthly.currency
            and valuations.valuation_month = fx_rates_monthly.month
    group by
        book_invoice_lines.organization_id,
        valuations.quarter,
        book_invoice_lines.month,
        book_invoice_lines.product_key
),

usage_valued as (
    select
        product_amounts_valued.organization_id,
        product_amounts_valued.quarter,
        product_amounts_valued.month,
        cast(sum(product_amounts_valued.amount_usd) as decimal(18, 2)) as invoiced_usage_usd,
        sum(
            case
                when
                    coalesce(product_catalogue.is_primary_for_quota, false)
                    and product_amounts_valued.amount_usd > {{ var('quota_paid_product_min_usd') }}
                    then 1
                else 0
            end
        ) as count_paid_products
    from product_amounts_valued
    left join product_catalogue
        on product_amounts_valued.product_key = product_catalogue.product_key
    group by product_amounts_valued.organization_id, product_amounts_valued.quarter, product_amounts_valued.month
),

run_rates_valued as (
    select
        book_contracts_in_force.organization_id,
        valuations.quarter,
        book_contracts_in_force.month,
        count(*) as count_contracts_in_force,
        sum(
            {{ divide_to_cents(
                'book_contracts_in_force.credit_usd * '
                ~ usd_per_unit('book_contracts_in_force.currency', 'fx_rates_monthly.usd_per_unit'),
                'nullif(book_contracts_in_force.term_months, 0)',
            ) }}
        ) as run_rate_usd
    from book_contracts_in_force
    inner join valuations
        on book_contracts_in_force.month between valuations.first_month and valuations.last_month
    left join fx_rates_monthly
        on
            book_contracts_in_force.currency = fx_rates_monthly.currency
            and valuations.valuation_month = fx_rates_monthly.month
    group by book_contracts_in_force.organization_id, valuations.quarter, book_contracts_in_force.month
),

-- Each side has one row per account, quarter and month (its group by): a month with usage,
-- a run rate or both is one row.
valued as (
    select
        coalesce(usage_valued.organization_id, run_rates_valued.organization_id) as organization_id,
        coalesce(usage_valued.quarter, run_rates_valued.quarter) as quarter,
        coalesce(usage_valued.month, run_rates_valued.month) as month,
        cast(coalesce(usage_valued.invoiced_usage_usd, 0) as decimal(18, 2)) as invoiced_usage_usd,
        coalesce(usage_valued.count_paid_products, 0) as count_paid_products,
        {{ quota_multiplier('coalesce(usage_valued.count_paid_products, 0)') }} as quota_multiplier,
        coalesce(run_rates_valued.count_contracts_in_force, 0) as count_contracts_in_force,
        cast(run_rates_valued.run_rate_usd as decimal(18, 2)) as run_rate_usd
    from usage_valued
    full outer join run_rates_valued
        on
            usage_valued.organization_id = run_rates_valued.organization_id
            and usage_valued.quarter = run_rates_valued.quarter
            and usage_valued.month = run_rates_valued.month
)

select * from valued
