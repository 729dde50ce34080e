with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

renamed as (
    select
        opportunity_id,
        organization_id,
        owner_id,
        product_key,
        record_type,
        stage as opportunity_stage,
        cast(expected_mrr_usd as decimal(18, 2)) as expected_mrr_usd,
        cast(created_on as date) as created_date,
        cast(closed_on as date) as closed_date,
        lost_reason
    from source
)

select * from renamed
