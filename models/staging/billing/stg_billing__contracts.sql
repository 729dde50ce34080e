with

source as (
    select * from {{ source('billing', 'contracts') }}
),

renamed as (
    select
        contract_id,
        organization_id,
        credits_billing_customer_id,
        usage_billing_customer_id,
        cast(credit_usd as decimal(18, 2)) as credit_usd,
        cast(price_usd as decimal(18, 2)) as price_usd,
        cast(discount as decimal(9, 6)) as discount,
        cast(start_date as date) as start_date,
        cast(term_months as integer) as term_months,
        cast(payment_cadence_months as integer) as payment_cadence_months,
        replaces_contract_id,
        -- credit_usd and price_usd are in the contract's currency; a file without the column is in USD.
        coalesce(lower(currency), 'usd') as currency
    from source
)

select * from renamed
