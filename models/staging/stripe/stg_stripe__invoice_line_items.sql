-- The billing source's line items from Stripe's: one row per product of an invoice (Stripe's lines
-- of one product, prorations included, summed), named by the product's first Stripe line. Lines that
-- buy prepaid credits or map to ignore are in the invoice's total but in no product.
with

stg_stripe__invoice_lines as (
    select * from {{ ref('stg_stripe__invoice_lines') }}
),

discount as (
    select * from {{ source('stripe', 'discount') }}
),

product_lines as (
    select * from stg_stripe__invoice_lines
    where product_key not in ('credits', 'ignore')
),

line_discounts as (
    select
        invoice_item_id as stripe_line_id,
        sum(cast(amount as bigint)) as discount_minor
    from discount
    group by invoice_item_id
),

products_per_invoice as (
    select
        product_lines.invoice_id,
        product_lines.product_key,
        product_lines.currency,
        min(product_lines.stripe_line_id) as line_item_id,
        sum(coalesce(product_lines.quantity, 0)) as quantity,
        sum(product_lines.amount_minor) as amount_minor,
        sum(coalesce(line_discounts.discount_minor, 0)) as discount_minor
    from product_lines
    left join line_discounts on product_lines.stripe_line_id = line_discounts.stripe_line_id
    group by product_lines.invoice_id, product_lines.product_key, product_lines.currency
),

renamed as (
    select
        line_item_id,
        invoice_id,
        product_key,
        cast(quantity as double) as usage_units,
        -- The type of stg_billing__invoice_line_items, which keeps fractions of a cent of other
        -- exports; Stripe's minor units have none, so the value is unchanged.
        cast({{ stripe_minor_to_major('amount_minor', 'currency') }} as decimal(18, 6)) as amount_usd,
        cast({{ stripe_minor_to_major('discount_minor', 'currency') }} as decimal(18, 6)) as discount_usd
    from products_per_invoice
)

select * from renamed
