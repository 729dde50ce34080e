-- The billing source's billing accounts from Stripe's customers. The organization and region come
-- from the mapping file, else the customer's metadata, else defaults (the customer id; var
-- stripe_default_region). A startup plan is a customer with a startup grant: a balance adjustment
-- whose metadata says credit_kind startup (and expires_on, its expiry).
with

customer as (
    select * from {{ source('stripe', 'customer') }}
),

customer_balance_transaction as (
    select * from {{ source('stripe', 'customer_balance_transaction') }}
),

stripe_mapping as (
    select * from {{ source('stripe', 'stripe_mapping') }}
),

customers as (
    -- email is personal data and stops here.
    select
        id as billing_customer_id,
        cast(created as timestamp) as created_at,
        {{ json_text_value('metadata', 'organization_id') }} as metadata_organization_id,
        upper({{ json_text_value('metadata', 'region') }}) as metadata_region
    from customer
    where coalesce(cast(livemode as boolean), true)
),

startup_grants as (
    select
        customer_id as billing_customer_id,
        lower(currency) as currency,
        -sum(cast(amount as bigint)) as credit_minor,
        max(cast({{ json_text_value('metadata', 'expires_on') }} as date)) as expires_date
    from customer_balance_transaction
    where
        type = 'adjustment'
        and {{ json_text_value('metadata', 'credit_kind') }} = 'startup'
        and coalesce(cast(livemode as boolean), true)
    group by customer_id, lower(currency)
),

mapped_customers as (
    select
        stripe_id,
        organization_id,
        region
    from stripe_mapping
),

resolved as (
    select
        customers.billing_customer_id,
        coalesce(
            mapped_customers.organization_id, customers.metadata_organization_id, customers.billing_customer_id
        ) as organization_id,
        customers.created_at,
        coalesce(mapped_customers.region, customers.metadata_region, '{{ var("stripe_default_region") }}') as region,
        startup_grants.billing_customer_id is not null as is_startup_plan,
        {{ stripe_minor_to_major('startup_grants.credit_minor', 'startup_grants.currency') }} as startup_credit_usd,
        startup_grants.expires_date as startup_credit_expires_date
    from customers
    left join startup_grants on customers.billing_customer_id = startup_grants.billing_customer_id
    left join mapped_customers on customers.billing_customer_id = mapped_customers.stripe_id
)

select * from resolved
