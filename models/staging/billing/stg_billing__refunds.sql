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

select * from renamed
