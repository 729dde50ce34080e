with

source as (
    select * from {{ source('billing', 'usage') }}
),

renamed as (
    select
        organization_id,
        product_key,
        cast(usage_month as date) as usage_month,
        cast(units as double) as usage_units
    from source
)

select * from renamed
