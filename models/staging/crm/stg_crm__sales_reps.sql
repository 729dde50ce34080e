with

source as (
    select * from {{ source('crm', 'sales_reps') }}
),

renamed as (
    -- name is personal data and stops here.
    select
        owner_id,
        role as sales_role,
        team,
        cast(is_team_lead as boolean) as is_team_lead,
        cast(role_start_date as date) as role_start_date,
        cast(end_date as date) as end_date,
        cast(ote_usd as decimal(18, 2)) as ote_usd,
        region,
        cast(team_lead_since as date) as team_lead_since
    from source
)

select * from renamed
