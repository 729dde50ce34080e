with

source as (
    select * from {{ source('billing', 'credits') }}
),

renamed as (
    select
        credit_id,
        billing_customer_id,
        cast(amount_usd as decimal(18, 2)) as amount_usd,
        reason,
        cast(applies_to_month as date) as applies_to_month,
        cast(created_at as timestamp) as created_at,
        note
    from source
)

{# With --billing-source stripe the Stripe staging model of the same shape stands in: the seam that
    keeps every model after staging unaware of which billing export was read. #}
{% if var('billing_source') == 'stripe' %}
    select * from {{ ref('stg_stripe__credits') }}
{% else %}
    select * from renamed
{% endif %}
