-- Account ownership by month: one row per customer (the consolidated organization) and calendar
-- month in which someone owns the account on the month's last day, with that owner and the book
-- segment of the stint (AM Managed, Leads, ...). A month is described as it ends, like the MRR it
-- is read beside; a mid-month hand-over shows from that month on.
--   * Stints of the organizations rolled into a customer count for the customer, and a stint
--     that ends before it starts is ignored (int_account_owner_stints_consolidated).
--   * Where two stints cover the day (several organizations each with an owner, or an overlap in
--     the CRM), the later-starting stint wins, then the smaller owner_id: the tie-break of the
--     quota book (int_tam_books_quarterly).
--   * end_date is the stint's last day (inclusive).
-- A month whose last day no stint covers has no row: the account has no owner then.

with

account_owner_stints as (
    select * from {{ ref('int_account_owner_stints_consolidated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

month_ends as (
    select
        month,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month')) }} as date) as month_end_date
    from months
),

stints_covering_month_ends as (
    select
        account_owner_stints.organization_id,
        month_ends.month,
        account_owner_stints.owner_id,
        account_owner_stints.segment,
        account_owner_stints.start_date,
        row_number() over (
            partition by account_owner_stints.organization_id, month_ends.month
            order by account_owner_stints.start_date desc, account_owner_stints.owner_id asc
        ) as owner_rank
    from account_owner_stints
    inner join month_ends
        on
            account_owner_stints.start_date <= month_ends.month_end_date
            and (
                account_owner_stints.end_date is null
                or account_owner_stints.end_date >= month_ends.month_end_date
            )
),

assigned as (
    select
        organization_id,
        month,
        owner_id,
        segment as account_segment,
        start_date as stint_start_date
    from stints_covering_month_ends
    where owner_rank = 1
)

select * from assigned
