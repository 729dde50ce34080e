-- TAM quota, the payment conditions of commission: one row per customer and reported
-- quarter from the quarter of its first usage invoice, with
--   the quarter's invoices  its recognised usage invoices with invoiced usage above 0 whose
--                           billing period starts in the quarter's counted months
--   paid by the cutoff      each of them with an amount due (total above 0) was paid on or
--                           before the quarter's payment_cutoff_date (an invoice with
--                           nothing to pay, or a quarter without invoices, passes)
--   settled_at              when the last of them was paid, once every one is paid; empty
--                           while one is unpaid
--   settled quarter         for a quarter not paid by the cutoff, the quarter in which the
--                           last of its invoices was paid: what it held back is paid then
--   paid invoices ever      the customer had paid var commission_min_paid_invoices usage
--                           invoices with an amount due (any of them, not necessarily its
--                           first) by the time the quarter's invoices were settled: by the
--                           cutoff when they were paid on time, by settled_at when paid
--                           late, and as of the data while one is still unpaid.
-- Invoices are those of all the customer's billing accounts (the consolidated customer).

with

book_invoice_lines as (
    select * from {{ ref('int_quota_book_invoice_lines') }}
),

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

usage_invoice_amounts as (
    select
        invoice_id,
        organization_id,
        month,
        sum(amount_after_coupons_usd) as invoiced_usage_usd
    from book_invoice_lines
    group by invoice_id, organization_id, month
),

usage_invoices as (
    select
        usage_invoice_amounts.invoice_id,
        usage_invoice_amounts.organization_id,
        usage_invoice_amounts.month,
        invoices_recognised.paid_at,
        invoices_recognised.total_usd > 0 as has_amount_due
    from usage_invoice_amounts
    inner join invoices_recognised
        on usage_invoice_amounts.invoice_id = invoices_recognised.invoice_id
    where usage_invoice_amounts.invoiced_usage_usd > 0
),

paid_invoices_ranked as (
    select
        organization_id,
        paid_at,
        row_number() over (partition by organization_id order by paid_at, invoice_id) as paid_rank
    from usage_invoices
    where has_amount_due and paid_at is not null
),

customers_with_enough_paid_invoices as (
    select
        organization_id,
        paid_at as enough_invoices_paid_at
    from paid_invoices_ranked
    where paid_rank = {{ var('commission_min_paid_invoices') }}
),

customer_first_months as (
    select
        organization_id,
        min(month) as first_invoiced_month
    from usage_invoices
    group by organization_id
),

customer_quarters as (
    select
        customer_first_months.organization_id,
        quarters.quarter,
        quarters.quarter_start_month,
        quarters.last_counted_month,
        quarters.payment_cutoff_date
    from customer_first_months
    inner join quarters
        on customer_first_months.first_invoiced_month <= quarters.last_counted_month
),

quarter_invoices as (
    select
        customer_quarters.organization_id,
        customer_quarters.quarter,
        customer_quarters.payment_cutoff_date,
        count(usage_invoices.invoice_id) as count_invoices,
        sum(case when usage_invoices.has_amount_due then 1 else 0 end) as count_invoices_due,
        sum(
            case when usage_invoices.has_amount_due and usage_invoices.paid_at is null then 1 else 0 end
        ) as count_unpaid_invoices,
        sum(
            case
                when
                    usage_invoices.has_amount_due
                    and (
                        usage_invoices.paid_at is null
                        or cast(usage_invoices.paid_at as date) > customer_quarters.payment_cutoff_date
                    )
                    then 1
                else 0
            end
        ) as count_invoices_paid_after_cutoff,
        max(case when usage_invoices.has_amount_due then usage_invoices.paid_at end) as last_paid_at
    from customer_quarters
    left join usage_invoices
        on
            customer_quarters.organization_id = usage_invoices.organization_id
            and customer_quarters.quarter_start_month <= usage_invoices.month
            and customer_quarters.last_counted_month >= usage_invoices.month
    group by customer_quarters.organization_id, customer_quarters.quarter, customer_quarters.payment_cutoff_date
),

settled as (
    select
        quarter_invoices.organization_id,
        quarter_invoices.quarter,
        quarter_invoices.payment_cutoff_date,
        quarter_invoices.count_invoices,
        quarter_invoices.count_invoices_due,
        quarter_invoices.count_unpaid_invoices,
        quarter_invoices.count_invoices_paid_after_cutoff,
        quarter_invoices.count_invoices_paid_after_cutoff = 0 as is_paid_by_cutoff,
        case when quarter_invoices.count_unpaid_invoices = 0 then quarter_invoices.last_paid_at end as settled_at,
        customers_with_enough_paid_invoices.enough_invoices_paid_at
    from quarter_invoices
    left join customers_with_enough_paid_invoices
        on quarter_invoices.organization_id = customers_with_enough_paid_invoices.organization_id
),

flagged as (
    select
        organization_id,
        quarter,
        payment_cutoff_date,
        count_invoices,
        count_invoices_due,
        count_unpaid_invoices,
        count_invoices_paid_after_cutoff,
        is_paid_by_cutoff,
        settled_at,
        case
            when not is_paid_by_cutoff and settled_at is not null
                then {{ quarter_name('cast(settled_at as date)') }}
        end as settled_quarter,
        coalesce(
            case
                when is_paid_by_cutoff then cast(enough_invoices_paid_at as date) <= payment_cutoff_date
                when settled_at is not null then enough_invoices_paid_at <= settled_at
                else enough_invoices_paid_at is not null
            end,
            false
        ) as has_paid_enough_invoices
    from settled
)

select * from flagged
