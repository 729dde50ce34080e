-- Section 3, adjustment 3 inputs: per customer and month, the one-time credits granted
-- for the month and the refunds against its recognised invoices (int_invoices_recognised:
-- usage and credit purchases; a refund on an `other` invoice never moved MRR), split by
-- whether the reason triggers the one-time-credit rule (promo, incident/outage,
-- bug/billing correction, per the credit_reasons seed). Credits and refunds of an
-- organization in its trial months are left out: the trial adjustment already removed
-- that organization's revenue, so they cannot have pushed the customer's month down.
-- Months after the reporting month are left out. Amounts are at the reporting month's
-- rate, as the adjusted MRR they are compared with (constant currency): a refund is in
-- its invoice's currency, a credit in its billing account's (the currency of the
-- account's invoices; usd for an account without any). Each is converted exactly and the
-- month's sums rounded to the cent once.

with

credits as (
    select * from {{ ref('stg_billing__credits') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

billing_customers_consolidated as (
    select * from {{ ref('int_billing_customers_consolidated') }}
),

credit_reasons as (
    select * from {{ ref('credit_reasons') }}
),

trial_organizations_monthly as (
    select * from {{ ref('int_trial_organizations_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

billing_customer_currencies as (
    select
        billing_customer_id,
        min(currency) as currency
    from invoices_recognised
    group by billing_customer_id
),

credits_and_refunds as (
    select
        billing_customers_consolidated.source_organization_id,
        billing_customers_consolidated.organization_id,
        cast({{ dbt.date_trunc('month', 'credits.applies_to_month') }} as date) as month,
        credits.reason,
        coalesce(billing_customer_currencies.currency, 'usd') as currency,
        credits.amount_usd
    from credits
    inner join billing_customers_consolidated
        on credits.billing_customer_id = billing_customers_consolidated.billing_customer_id
    left join billing_customer_currencies
        on credits.billing_customer_id = billing_customer_currencies.billing_customer_id

    union all

    select
        invoices_recognised.source_organization_id,
        invoices_recognised.organization_id,
        invoices_recognised.period_start_month as month,
        refunds.reason,
        invoices_recognised.currency,
        refunds.amount_usd
    from refunds
    inner join invoices_recognised
        on refunds.invoice_id = invoices_recognised.invoice_id
),

outside_trials as (
    select
        credits_and_refunds.organization_id,
        credits_and_refunds.month,
        credits_and_refunds.reason,
        credits_and_refunds.amount_usd
        * {{ usd_per_unit('credits_and_refunds.currency', 'fx_rates_monthly.reporting_usd_per_unit') }}
            as amount_exact_usd
    from credits_and_refunds
    inner join months
        on credits_and_refunds.month = months.month
    left join fx_rates_monthly
        on
            credits_and_refunds.currency = fx_rates_monthly.currency
            and credits_and_refunds.month = fx_rates_monthly.month
    left join trial_organizations_monthly
        on
            credits_and_refunds.source_organization_id = trial_organizations_monthly.trial_organization_id
            and credits_and_refunds.month = trial_organizations_monthly.month
    where trial_organizations_monthly.month is null
),

aggregated as (
    select
        outside_trials.organization_id,
        outside_trials.month,
        cast(
            sum(
                case
                    when credit_reasons.triggers_one_time_credit_adjustment then outside_trials.amount_exact_usd
                    else 0
                end
            ) as decimal(18, 2)
        ) as qualifying_credit_usd,
        cast(
            sum(
                case
                    when credit_reasons.triggers_one_time_credit_adjustment then 0
                    else outside_trials.amount_exact_usd
                end
            ) as decimal(18, 2)
        ) as other_credit_usd
    from outside_trials
    inner join credit_reasons
        on outside_trials.reason = credit_reasons.reason
    group by outside_trials.organization_id, outside_trials.month
)

select * from aggregated
