with

source as (
    select * from {{ source('billing', 'fx_rates') }}
),

renamed as (
    select
        lower(currency) as currency,
        cast(month as date) as month,
        cast(usd_per_unit as double) as usd_per_unit
    from source
)

select * from renamed
