-- Section 3, per product: the customer's per-product values through each adjustment.
--   trial                    the flagged organization's own lines are taken out: each
--                            product is priced again on the lines of the customer's other
--                            organizations (macros/product_mrr.sql)
--   one-time credit month    products keep their billed values (credits are not per
--                            product), except that a qualifying refund issued against a
--                            product is added back to that product; so a product billed for
--                            the first time that month keeps its NEW and cross-sell month
--   spike month              every product x (total after / total before)
--   discounted contract      every product / (1 - discount)
-- Each division rounds to the cent, half away from zero (exactly: macros/divide_to_cents).

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

trial_organizations_monthly as (
    select * from {{ ref('int_trial_organizations_monthly') }}
),

-- What the flagged organizations' own accounts billed for each product in their trial months.
trial_lines as (
    select
        lines_attributed.organization_id,
        lines_attributed.product_key,
        lines_attributed.month,
        sum(lines_attributed.amount_after_coupons_usd) as amount_after_coupons_usd,
        sum(lines_attributed.refunded_usd) as refunded_usd,
        sum(lines_attributed.qualifying_refunded_usd) as qualifying_refunded_usd
    from lines_attributed
    inner join trial_organizations_monthly
        on
            lines_attributed.source_organization_id = trial_organizations_monthly.trial_organization_id
            and lines_attributed.month = trial_organizations_monthly.month
    group by lines_attributed.organization_id, lines_attributed.product_key, lines_attributed.month
),

after_trials as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.usage_units,
        product_months.mrr_usd,
        customer_months_adjusted.is_one_time_credit_month,
        customer_months_adjusted.is_spike_month,
        customer_months_adjusted.mrr_after_one_time_credits_usd as total_before_spike_usd,
        customer_months_adjusted.mrr_after_spikes_usd as total_after_spike_usd,
        customer_months_adjusted.contract_discount,
        product_months.qualifying_refunded_usd - coalesce(trial_lines.qualifying_refunded_usd, 0)
            as qualifying_refunded_usd,
        case
            when trial_lines.product_key is not null
                then {{ product_mrr(
                    'product_months.billing_configuration',
                    'product_months.amount_after_coupons_usd - trial_lines.amount_after_coupons_usd',
                    'product_months.contract_discount',
                    'product_months.refunded_usd - trial_lines.refunded_usd',
                ) }}
            else product_months.mrr_usd
        end as mrr_after_trials_usd
    from product_months
    inner join customer_months_adjusted
        on
            product_months.organization_id = customer_months_adjusted.organization_id
            and product_months.month = customer_months_adjusted.month
    left join trial_lines
        on
            product_months.organization_id = trial_lines.organization_id
            and product_months.product_key = trial_lines.product_key
            and product_months.month = trial_lines.month
),

after_one_time_credits as (
    select
        *,
        cast(
            case
                when is_one_time_credit_month then mrr_after_trials_usd + qualifying_refunded_usd
                else mrr_after_trials_usd
            end as decimal(18, 2)
        ) as mrr_after_one_time_credits_usd
    from after_trials
),

after_spikes as (
    select
        *,
        case
            when is_spike_month
                then {{ divide_to_cents(
                    'mrr_after_one_time_credits_usd * total_after_spike_usd', 'total_before_spike_usd'
                ) }}
            else mrr_after_one_time_credits_usd
        end as mrr_after_spikes_usd
    from after_one_time_credits
),

after_annual_plans as (
    select
        organization_id,
        product_key,
        month,
        usage_units,
        mrr_usd,
        mrr_after_trials_usd,
        mrr_after_one_time_credits_usd,
        mrr_after_spikes_usd,
        case
            when contract_discount > 0
                then {{ divide_to_cents('mrr_after_spikes_usd', '1 - contract_discount') }}
            else mrr_after_spikes_usd
        end as adjusted_mrr_usd
    from after_spikes
)

select * from after_annual_plans
