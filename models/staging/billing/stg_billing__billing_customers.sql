with

source as (
    select * from {{ source('billing', 'billing_customers') }}
),

renamed as (
    -- email is personal data and stops here.
    select
        billing_customer_id,
        organization_id,
        cast(created_at as timestamp) as created_at,
        region,
        cast(is_startup_plan as boolean) as is_startup_plan,
        cast(startup_credit_usd as decimal(18, 2)) as startup_credit_usd,
        cast(startup_credit_expires_on as date) as startup_credit_expires_date
    from source
)

{# With --billing-source stripe the Stripe staging model of the same shape stands in: the seam that
    keeps every model after staging unaware of which billing export was read. #}
{% if var('billing_source') == 'stripe' %}
    select * from {{ ref('stg_stripe__billing_customers') }}
{% else %}
    select * from renamed
{% endif %}
