-- TAM quota, what each book account counts for commission: one row per account and quarter
-- of int_quota_attainment_counted_quarterly. Negative counted attainment always counts in
-- full. Positive counted attainment counts only when both hold:
--   paid invoices   the customer has paid var commission_min_paid_invoices (2) usage
--                   invoices ever, by the time the quarter's invoices were settled (any two,
--                   so an unpaid first invoice does not block it for ever); a customer with a
--                   credit contract in force in the quarter is exempt (the rule is for
--                   monthly customers)
--   paid on time    the quarter's usage invoices were paid by the quarter's
--                   payment_cutoff_date (int_quota_invoice_payments_quarterly)
-- Positive attainment that fails only the second is held back: published as such and paid
-- in the quarter in which the last of the quarter's invoices is paid (empty while one is
-- still unpaid). Positive attainment that fails the first earns nothing. In the first
-- reported quarter there is no attainment, so all three are empty.

with

accounts_counted as (
    select * from {{ ref('int_quota_attainment_counted_quarterly') }}
),

invoice_payments as (
    select * from {{ ref('int_quota_invoice_payments_quarterly') }}
),

joined as (
    select
        accounts_counted.*,
        invoice_payments.settled_at as invoices_settled_at,
        coalesce(invoice_payments.is_paid_by_cutoff, true) as is_paid_by_cutoff,
        coalesce(invoice_payments.has_paid_enough_invoices, false) as has_paid_enough_invoices,
        invoice_payments.settled_quarter,
        accounts_counted.has_annual_contract
        or coalesce(invoice_payments.has_paid_enough_invoices, false) as meets_paid_invoices_rule
    from accounts_counted
    left join invoice_payments
        on
            accounts_counted.organization_id = invoice_payments.organization_id
            and accounts_counted.quarter = invoice_payments.quarter
),

commissionable as (
    select
        *,
        meets_paid_invoices_rule and is_paid_by_cutoff as is_commissionable,
        case
            when counted_attainment_usd <= 0 then counted_attainment_usd
            when meets_paid_invoices_rule and is_paid_by_cutoff then counted_attainment_usd
            when counted_attainment_usd > 0 then cast(0 as decimal(18, 2))
        end as commissionable_attainment_usd,
        case
            when counted_attainment_usd > 0 and meets_paid_invoices_rule and not is_paid_by_cutoff
                then counted_attainment_usd
            when counted_attainment_usd is not null then cast(0 as decimal(18, 2))
        end as held_back_attainment_usd
    from joined
),

with_payout_quarter as (
    select
        *,
        case when held_back_attainment_usd > 0 then settled_quarter end as held_back_paid_in_quarter
    from commissionable
)

select * from with_payout_quarter
