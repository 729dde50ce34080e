-- TAM quota: the attributed invoice lines (int_invoice_lines_attributed_to_months) of the book
-- accounts only (int_quota_book_accounts), each with its whole history: the lines the quota
-- amounts, their valuation at the quarter's rate and the payment conditions read. Filtered
-- once here, so the three quota models read a table of a few accounts' lines instead of
-- scanning every customer's lines each.

with

invoice_lines_attributed as (
    select * from {{ ref('int_invoice_lines_attributed_to_months') }}
),

book_accounts as (
    select * from {{ ref('int_quota_book_accounts') }}
),

book_invoice_lines as (
    select * from invoice_lines_attributed
    where organization_id in (select book_accounts.organization_id from book_accounts)
)

select * from book_invoice_lines
