with

source as (
    select * from {{ source('crm', 'organization_consolidations') }}
),

renamed as (
    select
        organization_id,
        parent_organization_id,
        cast(effective_month as date) as effective_month,
        reason as consolidation_reason
    from source
)

select * from renamed
