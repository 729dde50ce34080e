with

source as (
    select * from {{ source('billing', 'subscriptions') }}
),

renamed as (
    select
        subscription_id,
        billing_customer_id,
        status as subscription_status,
        cast(started_at as timestamp) as started_at,
        cast(canceled_at as timestamp) as canceled_at
    from source
)

select * from renamed
