with

source as (
    select * from {{ source('billing', 'invoice_line_items') }}
),

renamed as (
    select
        line_item_id,
        invoice_id,
        product_key,
        cast(quantity as double) as usage_units,
        -- Billing systems price usage per unit, so a line can carry fractions of a cent; they
        -- are kept exact here and rounded once per invoice and product, where lines are added up.
        cast(amount_usd as decimal(18, 6)) as amount_usd,
        cast(discount_usd as decimal(18, 6)) as discount_usd
    from source
)

{# With --billing-source stripe the Stripe staging model of the same shape stands in: the seam that
    keeps every model after staging unaware of which billing export was read. #}
{% if var('billing_source') == 'stripe' %}
    select * from {{ ref('stg_stripe__invoice_line_items') }}
{% else %}
    select * from renamed
{% endif %}
