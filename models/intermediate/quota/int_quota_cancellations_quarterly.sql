-- Section 7, churn by cancellation: one row per customer and reported quarter in which
-- the customer counts as cancelled: it has cancelled a subscription in or before the
-- quarter and nothing came after it by the quarter's end: no subscription of any of
-- its billing accounts is still active at the quarter's end, and no usage was invoiced
-- for a month after the month of the last cancellation. So a customer that moves to a
-- new billing account (an EU to US move) or subscribes again is not cancelled.

with

subscriptions as (
    select * from {{ ref('stg_billing__subscriptions') }}
),

billing_customers_consolidated as (
    select * from {{ ref('int_billing_customers_consolidated') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

invoice_amounts as (
    select * from {{ ref('int_quota_invoice_amounts_monthly') }}
),

customer_subscriptions as (
    select
        billing_customers_consolidated.organization_id,
        subscriptions.subscription_id,
        subscriptions.started_at,
        subscriptions.canceled_at
    from subscriptions
    inner join billing_customers_consolidated
        on subscriptions.billing_customer_id = billing_customers_consolidated.billing_customer_id
),

subscriptions_at_quarter_end as (
    select
        customer_subscriptions.organization_id,
        quarters.quarter,
        quarters.last_counted_month,
        max(
            case
                when customer_subscriptions.canceled_at < quarters.next_quarter_start_month
                    then customer_subscriptions.canceled_at
            end
        ) as last_canceled_at,
        sum(
            case
                when
                    customer_subscriptions.canceled_at is null
                    or customer_subscriptions.canceled_at >= quarters.next_quarter_start_month
                    then 1
                else 0
            end
        ) as count_active_subscriptions
    from customer_subscriptions
    inner join quarters
        on customer_subscriptions.started_at < quarters.next_quarter_start_month
    group by customer_subscriptions.organization_id, quarters.quarter, quarters.last_counted_month
),

cancelled_without_active_subscription as (
    select
        organization_id,
        quarter,
        last_counted_month,
        cast(last_canceled_at as date) as canceled_date
    from subscriptions_at_quarter_end
    where
        last_canceled_at is not null
        and count_active_subscriptions = 0
),

usage_after_cancellation as (
    select distinct
        cancelled_without_active_subscription.organization_id,
        cancelled_without_active_subscription.quarter
    from cancelled_without_active_subscription
    inner join invoice_amounts
        on
            cancelled_without_active_subscription.organization_id = invoice_amounts.organization_id
            and cancelled_without_active_subscription.canceled_date < invoice_amounts.month
            and cancelled_without_active_subscription.last_counted_month >= invoice_amounts.month
            and invoice_amounts.invoiced_usage_usd > 0
),

cancelled as (
    select
        cancelled_without_active_subscription.organization_id,
        cancelled_without_active_subscription.quarter,
        cancelled_without_active_subscription.canceled_date
    from cancelled_without_active_subscription
    left join usage_after_cancellation
        on
            cancelled_without_active_subscription.organization_id = usage_after_cancellation.organization_id
            and cancelled_without_active_subscription.quarter = usage_after_cancellation.quarter
    where usage_after_cancellation.organization_id is null
)

select * from cancelled
