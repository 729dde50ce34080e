-- TAM quota, the accounts it values: one row per customer that is in an owner's quota book
-- (int_tam_books_quarterly) in at least one reported quarter. Only these reach a quota table,
-- so the quota chain reads the invoice lines and contracts of these customers alone, each
-- with its whole history (a quarter is compared with the one before it, back to the
-- customer's first invoiced month). Every other customer is left out before any quota
-- amount is computed.

with

books as (
    select * from {{ ref('int_tam_books_quarterly') }}
),

book_accounts as (
    select distinct organization_id
    from books
)

select * from book_accounts
