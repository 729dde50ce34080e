with

source as (
    select * from {{ source('crm', 'account_owners') }}
),

renamed as (
    select
        organization_id,
        owner_id,
        cast(start_date as date) as start_date,
        segment,
        cast(end_date as date) as end_date
    from source
)

select * from renamed
