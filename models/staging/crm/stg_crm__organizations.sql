with

source as (
    select * from {{ source('crm', 'organizations') }}
),

renamed as (
    -- name stops here: published tables carry ids only.
    select
        organization_id,
        cast(created_at as timestamp) as created_at,
        region,
        industry,
        cast(employee_count as integer) as employee_count
    from source
)

select * from renamed
