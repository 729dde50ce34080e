-- Section 7, churn by cancellation: one row per customer and reported quarter in which
-- the customer counts as cancelled: it has cancelled a subscription in or before the
-- quarter and nothing came after it: no subscription of any of its billing accounts is
-- still active at the quarter's end, and the customer neither started a subscription nor
-- was invoiced usage for a later month within the return window. So a customer that moves
-- to a new billing account (an EU to US move, even across a quarter's end) or subscribes
-- again soon after is not cancelled. Only what is counted of the quarter is read: for the
-- quarter in progress a cancellation after the reporting month's end is ignored (it
-- belongs to a later reporting run), like the months not reported yet.
--   return window  from the cancellation to the end of the quarter's last counted month or
--                  of the var quota_cancellation_return_months-th month after the
--                  cancellation's month, whichever is later; never past the reporting month
--                  (the data seen so far), so a cancellation in a quarter's last month is
--                  judged on the month after it once that month is reported.

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

book_accounts as (
    select * from {{ ref('int_quota_book_accounts') }}
),

reporting_month as (
    select max(last_counted_month) as reporting_month
    from quarters
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
    -- Only the accounts of a quota book reach a quota table (int_quota_book_accounts), and only their
    -- usage is in int_quota_invoice_amounts_monthly, which a return is judged on.
    where
        billing_customers_consolidated.organization_id
        in (select book_accounts.organization_id from book_accounts)
),

-- The end of what is counted of the quarter: the quarter's end, or for the quarter in progress
-- the end of the reporting month, so a cancellation dated after it is not seen yet.
quarter_counted_ends as (
    select
        quarter,
        last_counted_month,
        cast({{ dbt.dateadd('month', 1, 'last_counted_month') }} as date) as counted_end_date
    from quarters
),

subscriptions_at_quarter_end as (
    select
        customer_subscriptions.organization_id,
        quarter_counted_ends.quarter,
        quarter_counted_ends.last_counted_month,
        max(
            case
                when customer_subscriptions.canceled_at < quarter_counted_ends.counted_end_date
                    then customer_subscriptions.canceled_at
            end
        ) as last_canceled_at,
        sum(
            case
                when
                    customer_subscriptions.canceled_at is null
                    or customer_subscriptions.canceled_at >= quarter_counted_ends.counted_end_date
                    then 1
                else 0
            end
        ) as count_active_subscriptions
    from customer_subscriptions
    inner join quarter_counted_ends
        on customer_subscriptions.started_at < quarter_counted_ends.counted_end_date
    group by
        customer_subscriptions.organization_id, quarter_counted_ends.quarter, quarter_counted_ends.last_counted_month
),

cancelled_without_active_subscription as (
    select
        organization_id,
        quarter,
        last_counted_month,
        cast(last_canceled_at as date) as canceled_date,
        cast({{ dbt.date_trunc('month', 'last_canceled_at') }} as date) as canceled_month
    from subscriptions_at_quarter_end
    where
        last_canceled_at is not null
        and count_active_subscriptions = 0
),

return_window_ends as (
    select
        *,
        case
            when
                cast({{ dbt.dateadd('month', var('quota_cancellation_return_months'), 'canceled_month') }} as date)
                > last_counted_month
                then cast({{ dbt.dateadd('month', var('quota_cancellation_return_months'), 'canceled_month') }} as date)
            else last_counted_month
        end as uncapped_return_window_end_month
    from cancelled_without_active_subscription
),

return_windows as (
    select
        return_window_ends.organization_id,
        return_window_ends.quarter,
        return_window_ends.last_counted_month,
        return_window_ends.canceled_date,
        case
            when return_window_ends.uncapped_return_window_end_month > reporting_month.reporting_month
                then reporting_month.reporting_month
            else return_window_ends.uncapped_return_window_end_month
        end as return_window_end_month
    from return_window_ends
    cross join reporting_month
),

usage_after_cancellation as (
    select distinct
        return_windows.organization_id,
        return_windows.quarter
    from return_windows
    inner join invoice_amounts
        on
            return_windows.organization_id = invoice_amounts.organization_id
            and return_windows.canceled_date < invoice_amounts.month
            and return_windows.return_window_end_month >= invoice_amounts.month
            and invoice_amounts.invoiced_usage_usd > 0
),

-- a subscription started before the quarter's end is already counted as active above
subscription_after_cancellation as (
    select distinct
        return_windows.organization_id,
        return_windows.quarter
    from return_windows
    inner join customer_subscriptions
        on
            return_windows.organization_id = customer_subscriptions.organization_id
            and customer_subscriptions.started_at
            >= cast({{ dbt.dateadd('month', 1, 'return_windows.last_counted_month') }} as date)
            and customer_subscriptions.started_at
            < cast({{ dbt.dateadd('month', 1, 'return_windows.return_window_end_month') }} as date)
),

cancelled as (
    select
        return_windows.organization_id,
        return_windows.quarter,
        return_windows.canceled_date
    from return_windows
    left join usage_after_cancellation
        on
            return_windows.organization_id = usage_after_cancellation.organization_id
            and return_windows.quarter = usage_after_cancellation.quarter
    left join subscription_after_cancellation
        on
            return_windows.organization_id = subscription_after_cancellation.organization_id
            and return_windows.quarter = subscription_after_cancellation.quarter
    where
        usage_after_cancellation.organization_id is null
        and subscription_after_cancellation.organization_id is null
)

select * from cancelled
