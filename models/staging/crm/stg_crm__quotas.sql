with

source as (
    select * from {{ source('crm', 'quotas') }}
),

renamed as (
    select
        owner_id,
        quarter,
        cast(quota_usd as decimal(18, 2)) as quota_usd
    from source
)

select * from renamed
