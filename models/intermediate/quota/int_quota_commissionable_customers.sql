-- Section 7, commission: one row per customer (the consolidated organization) with
-- its first two invoices ever, and whether it has paid both. Invoices are the
-- recognised usage invoices with invoiced usage above 0 (a $0 invoice is nothing to
-- pay), across all the customer's billing accounts, ordered by billing period start,
-- then creation, then id. Paid = paid_at is set. A customer with one invoice is not
-- commissionable yet. The flag is as of the data (not as of each quarter's end):
-- commission is paid once the invoices are paid.

with

invoice_lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

invoices as (
    select * from {{ ref('stg_billing__invoices') }}
),

usage_invoice_amounts as (
    select
        invoice_id,
        organization_id,
        sum(amount_after_coupons_usd) as invoiced_usage_usd
    from invoice_lines_attributed
    group by invoice_id, organization_id
),

customer_invoices_ranked as (
    select
        usage_invoice_amounts.organization_id,
        usage_invoice_amounts.invoice_id,
        invoices.paid_at,
        row_number() over (
            partition by usage_invoice_amounts.organization_id
            order by invoices.period_start_date, invoices.created_at, usage_invoice_amounts.invoice_id
        ) as invoice_rank
    from usage_invoice_amounts
    inner join invoices
        on usage_invoice_amounts.invoice_id = invoices.invoice_id
    where usage_invoice_amounts.invoiced_usage_usd > 0
),

first_two_invoices as (
    select
        organization_id,
        max(case when invoice_rank = 1 then invoice_id end) as first_invoice_id,
        max(case when invoice_rank = 2 then invoice_id end) as second_invoice_id,
        sum(case when paid_at is not null then 1 else 0 end) as count_paid_invoices,
        max(paid_at) as last_paid_at
    from customer_invoices_ranked
    where invoice_rank <= 2
    group by organization_id
),

flagged as (
    select
        organization_id,
        first_invoice_id,
        second_invoice_id,
        count_paid_invoices = 2 as is_commissionable,
        case when count_paid_invoices = 2 then last_paid_at end as commissionable_at
    from first_two_invoices
)

select * from flagged
