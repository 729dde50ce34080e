-- The billing source's subscriptions from Stripe's: the current version of each subscription in
-- Fivetran's history mode, and the subscriptions of a connection without it (history wins). Stripe
-- sets canceled_at when a cancellation is asked for, also for one that runs to its period's end; the
-- warehouse's canceled_at is when it ended, so only an ended subscription has one.
with

subscription_history as (
    select * from {{ source('stripe', 'subscription_history') }}
),

subscription as (
    select * from {{ source('stripe', 'subscription') }}
),

current_versions as (
    select
        id,
        customer_id,
        status,
        start_date,
        canceled_at,
        ended_at
    from subscription_history
    where cast(_fivetran_active as boolean)
),

without_history as (
    select
        id,
        customer_id,
        status,
        start_date,
        canceled_at,
        ended_at
    from subscription
    where id not in (select current_versions.id from current_versions)
),

subscriptions as (
    select * from current_versions
    union all
    select * from without_history
),

renamed as (
    select
        id as subscription_id,
        customer_id as billing_customer_id,
        status as subscription_status,
        cast(start_date as timestamp) as started_at,
        case
            when status in ('canceled', 'incomplete_expired')
                then cast(coalesce(ended_at, canceled_at) as timestamp)
        end as canceled_at
    from subscriptions
)

select * from renamed
