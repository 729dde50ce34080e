-- Section 3, adjustment 2 per product (int_mrr_adjusted_for_trials is the customer's): in
-- a month in which an organization of the customer is flagged as a trial, that
-- organization's own lines are taken out and each product is priced again on the lines
-- of the customer's other organizations (the same pricing, macros/product_mrr.sql). A
-- product billed only by the flagged organization goes to 0. The product's refunds (and
-- their qualifying part) and its value before refunds outside the flagged organizations
-- are kept for the one-time-credit step. Amounts are at the reporting month's rate (the
-- constant-currency step before it: the product's `constant_` amounts). It holds the
-- product-months of the step before and those of trial months
-- (macros/product_months_in_step.sql): the value before is the step before's, or the
-- spine's mrr_usd for a product-month no step has changed.

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

trial_organizations_monthly as (
    select * from {{ ref('int_trial_organizations_monthly') }}
),

customer_after_trials as (
    select * from {{ ref('int_mrr_adjusted_for_trials') }}
),

product_after_constant_currency as (
    select * from {{ ref('int_product_mrr_adjusted_for_constant_currency') }}
),

-- What the flagged organizations' own accounts billed for each product in their trial
-- months, at their contracts' prices (one rounding per discount, as the billed value).
trial_lines_by_discount as (
    select
        lines_attributed.organization_id,
        lines_attributed.product_key,
        lines_attributed.month,
        lines_attributed.contract_discount,
        case
            when lines_attributed.is_paid_by_startup_credits then cast(0 as decimal(18, 2))
            else cast(
                sum(lines_attributed.constant_amount_after_coupons_usd) * (1 - lines_attributed.contract_discount)
                as decimal(18, 2)
            )
        end as amount_at_contract_price_usd,
        sum(lines_attributed.constant_refunded_usd) as refunded_usd,
        sum(lines_attributed.constant_qualifying_refunded_usd) as qualifying_refunded_usd
    from lines_attributed
    inner join trial_organizations_monthly
        on
            lines_attributed.source_organization_id = trial_organizations_monthly.trial_organization_id
            and lines_attributed.month = trial_organizations_monthly.month
    group by
        lines_attributed.organization_id,
        lines_attributed.product_key,
        lines_attributed.month,
        lines_attributed.contract_discount,
        lines_attributed.is_paid_by_startup_credits
),

trial_lines as (
    select
        organization_id,
        product_key,
        month,
        sum(amount_at_contract_price_usd) as amount_at_contract_price_usd,
        sum(refunded_usd) as refunded_usd,
        sum(qualifying_refunded_usd) as qualifying_refunded_usd
    from trial_lines_by_discount
    group by organization_id, product_key, month
),

product_months_in_step as (
    {{ product_months_in_step('product_after_constant_currency', 'customer_after_trials', 'is_trial_month') }}
),

product_months_before as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.billing_configuration,
        product_months.constant_amount_at_contract_price_usd,
        product_months.constant_refunded_usd,
        product_months.constant_qualifying_refunded_usd,
        coalesce(product_after_constant_currency.mrr_after_usd, product_months.mrr_usd) as mrr_before_usd
    from product_months_in_step
    inner join product_months
        on
            product_months_in_step.organization_id = product_months.organization_id
            and product_months_in_step.product_key = product_months.product_key
            and product_months_in_step.month = product_months.month
    left join product_after_constant_currency
        on
            product_months_in_step.organization_id = product_after_constant_currency.organization_id
            and product_months_in_step.product_key = product_after_constant_currency.product_key
            and product_months_in_step.month = product_after_constant_currency.month
),

adjusted as (
    select
        product_months_before.organization_id,
        product_months_before.product_key,
        product_months_before.month,
        product_months_before.mrr_before_usd,
        customer_after_trials.is_trial_month,
        product_months_before.constant_qualifying_refunded_usd - coalesce(trial_lines.qualifying_refunded_usd, 0)
            as qualifying_refunded_usd,
        product_months_before.constant_refunded_usd - coalesce(trial_lines.refunded_usd, 0) as refunded_usd,
        {{ product_billed_before_refunds(
            'product_months_before.billing_configuration',
            'product_months_before.constant_amount_at_contract_price_usd
            - coalesce(trial_lines.amount_at_contract_price_usd, 0)',
        ) }} as billed_before_refunds_usd,
        case
            when trial_lines.product_key is not null
                then {{ product_mrr(
                    'product_months_before.billing_configuration',
                    'product_months_before.constant_amount_at_contract_price_usd - trial_lines.amount_at_contract_price_usd',
                    'product_months_before.constant_refunded_usd - trial_lines.refunded_usd',
                ) }}
            else product_months_before.mrr_before_usd
        end as mrr_after_usd,
        case
            when customer_after_trials.is_trial_month
                then 'the trial organizations'' own lines of the product removed'
        end as rule_inputs
    from product_months_before
    inner join customer_after_trials
        on
            product_months_before.organization_id = customer_after_trials.organization_id
            and product_months_before.month = customer_after_trials.month
    left join trial_lines
        on
            product_months_before.organization_id = trial_lines.organization_id
            and product_months_before.product_key = trial_lines.product_key
            and product_months_before.month = trial_lines.month
)

select * from adjusted
