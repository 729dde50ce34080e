with

source as (
    select * from {{ source('crm', 'usage_optimizations') }}
),

renamed as (
    select
        organization_id,
        quarter,
        cast(approved as boolean) as is_approved,
        note
    from source
)

select * from renamed
