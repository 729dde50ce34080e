with

source as (
    select * from {{ source('crm', 'trials') }}
),

renamed as (
    select
        organization_id,
        cast(start_month as date) as start_month,
        cast(end_month as date) as end_month,
        note
    from source
)

select * from renamed
