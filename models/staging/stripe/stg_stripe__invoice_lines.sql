-- One row per Stripe invoice line of a kept invoice, with the product_key it resolves to: the
-- mapping of its price, else of its product, else the price's metadata product_key, else the
-- product's, else the product name in lower case with spaces as underscores. Lines, refunds and
-- invoice types all read this one resolution.
with

invoice_line_item as (
    select * from {{ source('stripe', 'invoice_line_item') }}
),

invoice as (
    select * from {{ source('stripe', 'invoice') }}
),

price as (
    select * from {{ source('stripe', 'price') }}
),

product as (
    select * from {{ source('stripe', 'product') }}
),

stripe_mapping as (
    select * from {{ source('stripe', 'stripe_mapping') }}
),

kept_invoices as (
    select
        id as invoice_id,
        lower(currency) as currency
    from invoice
    where
        coalesce(cast(livemode as boolean), true)
        and not coalesce(cast(is_deleted as boolean), false)
),

lines as (
    select
        id as stripe_line_id,
        invoice_id,
        price_id,
        cast(quantity as bigint) as quantity,
        cast(amount as bigint) as amount_minor
    from invoice_line_item
    where coalesce(cast(livemode as boolean), true)
),

prices as (
    select
        id as price_id,
        product_id,
        {{ json_text_value('metadata', 'product_key') }} as metadata_product_key
    from price
),

products as (
    select
        id as product_id,
        replace(lower(trim(name)), ' ', '_') as name_product_key,
        {{ json_text_value('metadata', 'product_key') }} as metadata_product_key
    from product
),

mapped_products as (
    select
        stripe_id,
        product_key
    from stripe_mapping
    where product_key is not null
),

resolved as (
    select
        lines.stripe_line_id,
        lines.invoice_id,
        kept_invoices.currency,
        lines.quantity,
        lines.amount_minor,
        coalesce(
            price_mappings.product_key,
            product_mappings.product_key,
            prices.metadata_product_key,
            products.metadata_product_key,
            products.name_product_key
        ) as product_key
    from lines
    inner join kept_invoices on lines.invoice_id = kept_invoices.invoice_id
    left join prices on lines.price_id = prices.price_id
    left join products on prices.product_id = products.product_id
    left join mapped_products as price_mappings on lines.price_id = price_mappings.stripe_id
    left join mapped_products as product_mappings on prices.product_id = product_mappings.stripe_id
)

select * from resolved
