-- Section 3, adjustment 3 inputs: per customer and month, the one-time credits granted
-- for the month and the refunds against its revenue invoices (usage and credit
-- purchases; a refund on an `other` invoice never moved MRR), split by whether the reason
-- triggers the one-time-credit rule (promo, incident/outage, bug/billing correction,
-- per the credit_reasons seed). Credits and refunds of an organization in its trial
-- months are left out: the trial adjustment already removed that organization's
-- revenue, so they cannot have pushed the customer's month down. Months after the
-- reporting month are left out.

with

credits as (
    select * from {{ ref('stg_billing__credits') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

billing_customers as (
    select * from {{ ref('stg_billing__billing_customers') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
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

credits_and_refunds as (
    select
        credits.billing_customer_id,
        cast({{ dbt.date_trunc('month', 'credits.applies_to_month') }} as date) as month,
        credits.reason,
        credits.amount_usd
    from credits

    union all

    select
        invoices.billing_customer_id,
        cast({{ dbt.date_trunc('month', 'invoices.period_start_date') }} as date) as month,
        refunds.reason,
        refunds.amount_usd
    from refunds
    inner join invoices
        on refunds.invoice_id = invoices.invoice_id
    where
        invoices.invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoices.invoice_type in ('usage', 'credit_purchase')
),

outside_trials as (
    select
        organizations_consolidated.consolidated_organization_id as organization_id,
        credits_and_refunds.month,
        credits_and_refunds.reason,
        credits_and_refunds.amount_usd
    from credits_and_refunds
    inner join months
        on credits_and_refunds.month = months.month
    inner join billing_customers
        on credits_and_refunds.billing_customer_id = billing_customers.billing_customer_id
    inner join organizations_consolidated
        on billing_customers.organization_id = organizations_consolidated.organization_id
    left join trial_organizations_monthly
        on
            billing_customers.organization_id = trial_organizations_monthly.trial_organization_id
            and credits_and_refunds.month = trial_organizations_monthly.month
    where trial_organizations_monthly.month is null
),

aggregated as (
    select
        outside_trials.organization_id,
        outside_trials.month,
        sum(
            case when credit_reasons.triggers_one_time_credit_adjustment then outside_trials.amount_usd else 0 end
        ) as qualifying_credit_usd,
        sum(
            case when credit_reasons.triggers_one_time_credit_adjustment then 0 else outside_trials.amount_usd end
        ) as other_credit_usd
    from outside_trials
    inner join credit_reasons
        on outside_trials.reason = credit_reasons.reason
    group by outside_trials.organization_id, outside_trials.month
)

select * from aggregated
