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
        cast(amount_usd as decimal(18, 2)) as amount_usd,
        cast(discount_usd as decimal(18, 2)) as discount_usd
    from source
)

select * from renamed
