with

source as (
    select * from {{ source('billing', 'refunds') }}
),

renamed as (
    select
        refund_id,
        invoice_id,
        product_key,
        cast(amount_usd as decimal(18, 2)) as amount_usd,
        reason,
        cast(created_at as timestamp) as created_at
    from source
)

{# With --billing-source stripe the Stripe staging model of the same shape stands in: the seam that
    keeps every model after staging unaware of which billing export was read. #}
{% if var('billing_source') == 'stripe' %}
    select * from {{ ref('stg_stripe__refunds') }}
{% else %}
    select * from renamed
{% endif %}
