-- The billing source's refunds from Stripe's credit notes: every line of an issued credit note, net
-- of its discount, before tax. The product is the credited invoice line's; a custom line takes the
-- mapping's, else the note's metadata product_key. The reason comes from the mapping (of the line,
-- else the note), else the note's metadata, else Other.
with

credit_note as (
    select * from {{ source('stripe', 'credit_note') }}
),

credit_note_line_item as (
    select * from {{ source('stripe', 'credit_note_line_item') }}
),

stripe_mapping as (
    select * from {{ source('stripe', 'stripe_mapping') }}
),

stg_stripe__invoice_lines as (
    select * from {{ ref('stg_stripe__invoice_lines') }}
),

issued_notes as (
    select
        id as credit_note_id,
        invoice_id,
        lower(currency) as currency,
        cast(created as timestamp) as created_at,
        {{ json_text_value('metadata', 'reason') }} as metadata_reason,
        {{ json_text_value('metadata', 'product_key') }} as metadata_product_key
    from credit_note
    where
        status = 'issued'
        and coalesce(cast(livemode as boolean), true)
),

note_lines as (
    select
        id as refund_id,
        credit_note_id,
        invoice_line_item as stripe_line_id,
        cast(amount as bigint) - coalesce(cast(discount_amount as bigint), 0) as amount_minor
    from credit_note_line_item
),

mappings as (
    select
        stripe_id,
        product_key,
        reason
    from stripe_mapping
),

resolved as (
    select
        note_lines.refund_id,
        issued_notes.invoice_id,
        coalesce(
            stg_stripe__invoice_lines.product_key,
            line_mappings.product_key,
            note_mappings.product_key,
            issued_notes.metadata_product_key
        ) as product_key,
        {{ stripe_minor_to_major('note_lines.amount_minor', 'issued_notes.currency') }} as amount_usd,
        coalesce(line_mappings.reason, note_mappings.reason, issued_notes.metadata_reason, 'Other') as reason,
        issued_notes.created_at
    from note_lines
    inner join issued_notes on note_lines.credit_note_id = issued_notes.credit_note_id
    left join stg_stripe__invoice_lines on note_lines.stripe_line_id = stg_stripe__invoice_lines.stripe_line_id
    left join mappings as line_mappings on note_lines.refund_id = line_mappings.stripe_id
    left join mappings as note_mappings on note_lines.credit_note_id = note_mappings.stripe_id
)

select * from resolved
