-- Spreading never creates or loses a cent: for every recognised usage or credit-purchase
-- invoice, the months it is attributed to add up to its total (tax per include_tax_in_mrr)
-- less its refunds.

with

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

expected as (
    select
        invoices.invoice_id,
        invoices.total_usd
        {%- if not var('include_tax_in_mrr') %} - invoices.tax_usd{% endif %}
        - coalesce(sum(refunds.amount_usd), 0) as expected_usd
    from invoices
    left join refunds
        on invoices.invoice_id = refunds.invoice_id
    where
        invoices.invoice_status in ({{ quoted_list(var('recognised_invoice_statuses')) }})
        and invoices.invoice_type in ('usage', 'credit_purchase')
    group by invoices.invoice_id, invoices.total_usd, invoices.tax_usd
),

attributed as (
    select
        invoice_id,
        sum(mrr_usd) as attributed_usd
    from invoices_attributed
    group by invoice_id
),

mismatched as (
    select
        expected.invoice_id,
        expected.expected_usd,
        attributed.attributed_usd
    from expected
    left join attributed
        on expected.invoice_id = attributed.invoice_id
    where attributed.attributed_usd is null or attributed.attributed_usd <> expected.expected_usd
)

select * from mismatched
