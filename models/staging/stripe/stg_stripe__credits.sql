-- The billing source's one-time credits from Stripe's customer balance: credits granted by hand or
-- through the API (type adjustment, a negative amount) that are not a startup plan's grant. Reason
-- and month come from the mapping file, else the metadata, else Other and the month it was created.
with

customer_balance_transaction as (
    select * from {{ source('stripe', 'customer_balance_transaction') }}
),

stripe_mapping as (
    select * from {{ source('stripe', 'stripe_mapping') }}
),

grants as (
    select
        id as credit_id,
        customer_id as billing_customer_id,
        lower(currency) as currency,
        -cast(amount as bigint) as amount_minor,
        cast(created as timestamp) as created_at,
        description as note,
        {{ json_text_value('metadata', 'reason') }} as metadata_reason,
        cast({{ json_text_value('metadata', 'applies_to_month') }} as date) as metadata_applies_to_month,
        coalesce({{ json_text_value('metadata', 'credit_kind') }}, 'one_time') as credit_kind
    from customer_balance_transaction
    where
        type = 'adjustment'
        and cast(amount as bigint) < 0
        and coalesce(cast(livemode as boolean), true)
),

one_time_grants as (
    select * from grants
    where credit_kind = 'one_time'
),

mapped_credits as (
    select
        stripe_id,
        reason,
        cast(applies_to_month as date) as applies_to_month
    from stripe_mapping
),

resolved_month as (
    select
        one_time_grants.credit_id,
        coalesce(
            mapped_credits.applies_to_month,
            one_time_grants.metadata_applies_to_month,
            cast(one_time_grants.created_at as date)
        ) as month_day
    from one_time_grants
    left join mapped_credits on one_time_grants.credit_id = mapped_credits.stripe_id
),

renamed as (
    select
        one_time_grants.credit_id,
        one_time_grants.billing_customer_id,
        {{ stripe_minor_to_major('one_time_grants.amount_minor', 'one_time_grants.currency') }} as amount_usd,
        coalesce(mapped_credits.reason, one_time_grants.metadata_reason, 'Other') as reason,
        cast({{ dbt.date_trunc('month', 'resolved_month.month_day') }} as date) as applies_to_month,
        one_time_grants.created_at,
        one_time_grants.note
    from one_time_grants
    left join mapped_credits on one_time_grants.credit_id = mapped_credits.stripe_id
    inner join resolved_month on one_time_grants.credit_id = resolved_month.credit_id
)

select * from renamed
