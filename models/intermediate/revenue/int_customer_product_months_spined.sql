-- Section 2, per product: unadjusted MRR per customer, product and month on a
-- gap-free spine from the customer's first billed month of the product to the
-- reporting month. By billing configuration (macros/product_mrr.sql):
--   paid, free           the product's line amounts after coupons, less its refunds
--   startup_plan         0 (the bills are paid by startup credits; after they expire the
--                        month is paid); in any configuration, the lines of a bill paid by
--                        startup credits count 0
--   enterprise_*         line amounts after coupons x (1 - the discount of the contract whose
--                        credits pay the line's account, 0 on any other account), less refunds
-- A month's per-product values need not add up to its total (tax and credits are
-- not per product; enterprise totals come from the credit payments).
-- Currencies: mrr_usd converts each month at its own rate; constant_mrr_usd prices the same
-- lines at the reporting month's rate (the constant-currency step, and the product-level
-- steps after it, start from it and from the other `constant_` columns; the annual-plan
-- step's list-price factor is constant_amount_at_list_price_usd /
-- constant_amount_at_contract_price_usd, in the same currency as the value it scales).

with

lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

configurations as (
    select * from {{ ref('int_billing_configurations_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

-- Each account's lines at its own contract's price: one rounding per discount. Lines of
-- a bill paid by startup credits are worth 0 (the account is on credits, whatever the
-- customer's other accounts pay).
product_months_by_discount as (
    select
        organization_id,
        product_key,
        month,
        contract_discount,
        is_paid_by_startup_credits,
        sum(usage_units) as usage_units,
        sum(amount_after_coupons_usd) as amount_after_coupons_usd,
        case
            when is_paid_by_startup_credits then cast(0 as decimal(18, 2))
            else cast(sum(amount_after_coupons_usd) as decimal(18, 2))
        end as amount_at_list_price_usd,
        case
            when is_paid_by_startup_credits then cast(0 as decimal(18, 2))
            else {{ to_cents('sum(amount_after_coupons_usd) * (1 - contract_discount)') }}
        end as amount_at_contract_price_usd,
        sum(refunded_usd) as refunded_usd,
        sum(qualifying_refunded_usd) as qualifying_refunded_usd,
        case
            when is_paid_by_startup_credits then cast(0 as decimal(18, 2))
            else cast(sum(constant_amount_after_coupons_usd) as decimal(18, 2))
        end as constant_amount_at_list_price_usd,
        case
            when is_paid_by_startup_credits then cast(0 as decimal(18, 2))
            else {{ to_cents('sum(constant_amount_after_coupons_usd) * (1 - contract_discount)') }}
        end as constant_amount_at_contract_price_usd,
        sum(constant_refunded_usd) as constant_refunded_usd,
        sum(constant_qualifying_refunded_usd) as constant_qualifying_refunded_usd
    from lines_attributed
    group by organization_id, product_key, month, contract_discount, is_paid_by_startup_credits
),

product_months_billed as (
    select
        organization_id,
        product_key,
        month,
        sum(usage_units) as usage_units,
        sum(amount_after_coupons_usd) as amount_after_coupons_usd,
        sum(amount_at_list_price_usd) as amount_at_list_price_usd,
        sum(amount_at_contract_price_usd) as amount_at_contract_price_usd,
        case
            when
                min(case when not is_paid_by_startup_credits then contract_discount end)
                = max(case when not is_paid_by_startup_credits then contract_discount end)
                then max(case when not is_paid_by_startup_credits then contract_discount end)
        end as lines_contract_discount,
        sum(refunded_usd) as refunded_usd,
        sum(qualifying_refunded_usd) as qualifying_refunded_usd,
        sum(constant_amount_at_list_price_usd) as constant_amount_at_list_price_usd,
        sum(constant_amount_at_contract_price_usd) as constant_amount_at_contract_price_usd,
        sum(constant_refunded_usd) as constant_refunded_usd,
        sum(constant_qualifying_refunded_usd) as constant_qualifying_refunded_usd
    from product_months_by_discount
    group by organization_id, product_key, month
),

customer_product_first_months as (
    select
        organization_id,
        product_key,
        min(month) as first_month
    from product_months_billed
    group by organization_id, product_key
),

-- Every month of the customer's own spine from the product's first month, with the month's
-- billing configuration (the customer spine already runs gap-free to the reporting month).
spine as (
    select
        configurations.organization_id,
        customer_product_first_months.product_key,
        configurations.month,
        months.is_newest_month,
        configurations.billing_configuration,
        configurations.contract_discount
    from customer_product_first_months
    inner join configurations
        on
            customer_product_first_months.organization_id = configurations.organization_id
            and customer_product_first_months.first_month <= configurations.month
    inner join months
        on configurations.month = months.month
),

amounts as (
    select
        spine.organization_id,
        spine.product_key,
        spine.month,
        spine.is_newest_month,
        spine.billing_configuration,
        spine.contract_discount,
        coalesce(product_months_billed.usage_units, 0) as usage_units,
        cast(coalesce(product_months_billed.amount_after_coupons_usd, 0) as decimal(18, 2)) as amount_after_coupons_usd,
        cast(coalesce(product_months_billed.amount_at_list_price_usd, 0) as decimal(18, 2))
            as amount_at_list_price_usd,
        cast(coalesce(product_months_billed.amount_at_contract_price_usd, 0) as decimal(18, 2))
            as amount_at_contract_price_usd,
        product_months_billed.lines_contract_discount,
        cast(coalesce(product_months_billed.refunded_usd, 0) as decimal(18, 2)) as refunded_usd,
        cast(coalesce(product_months_billed.qualifying_refunded_usd, 0) as decimal(18, 2)) as qualifying_refunded_usd,
        cast(coalesce(product_months_billed.constant_amount_at_list_price_usd, 0) as decimal(18, 2))
            as constant_amount_at_list_price_usd,
        cast(coalesce(product_months_billed.constant_amount_at_contract_price_usd, 0) as decimal(18, 2))
            as constant_amount_at_contract_price_usd,
        cast(coalesce(product_months_billed.constant_refunded_usd, 0) as decimal(18, 2)) as constant_refunded_usd,
        cast(coalesce(product_months_billed.constant_qualifying_refunded_usd, 0) as decimal(18, 2))
            as constant_qualifying_refunded_usd
    from spine
    left join product_months_billed
        on
            spine.organization_id = product_months_billed.organization_id
            and spine.product_key = product_months_billed.product_key
            and spine.month = product_months_billed.month
),

priced as (
    select
        *,
        {{ product_mrr('billing_configuration', 'amount_at_contract_price_usd', 'refunded_usd') }}
            as mrr_usd,
        {{ product_mrr('billing_configuration', 'constant_amount_at_contract_price_usd', 'constant_refunded_usd') }}
            as constant_mrr_usd
    from amounts
)

select * from priced
