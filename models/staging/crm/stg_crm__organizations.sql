with

source as (
    select * from {{ source('crm', 'organizations') }}
),

renamed as (
    -- The organization's name is a business's name, not a person's: it is kept (as company_name)
    -- so the customers dimension can show it beside the id.
    select
        organization_id,
        name as company_name,
        cast(created_at as timestamp) as created_at,
        region,
        industry,
        cast(employee_count as integer) as employee_count
    from source
)

select * from renamed
