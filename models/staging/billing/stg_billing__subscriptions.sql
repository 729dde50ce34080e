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

{# With --billing-source stripe the Stripe staging model of the same shape stands in: the seam that
    keeps every model after staging unaware of which billing export was read. #}
{% if var('billing_source') == 'stripe' %}
    select * from {{ ref('stg_stripe__subscriptions') }}
{% else %}
    select * from renamed
{% endif %}
