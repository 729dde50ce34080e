-- Account ownership by month: one row per customer (the consolidated organization) and calendar
-- month in which someone owns the account on the month's last day, with that owner and the book
-- segment of the stint (AM Managed, Leads, ...). A month is described as it ends, like the MRR it
-- is read beside; a mid-month hand-over shows from that month on.
--   * Stints of the organizations rolled into a customer count for the customer.
--   * Where two stints cover the day (several organizations each with an owner, or an overlap in
--     the CRM), the later-starting stint wins, then the smaller owner_id: the tie-break of the
--     quota book (int_tam_books_quarterly).
--   * end_date is the stint's last day (inclusive); a stint that ends before it starts is ignored.
-- A month whose last day no stint covers has no row: the account has no owner then.

with

account_owners as (
    select * from {{ ref('stg_crm__account_owners') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

stints as (
    select
        organizations_consolidated.consolidated_organization_id as organization_id,
        account_owners.owner_id,
        account_owners.segment,
        account_owners.start_date,
        account_owners.end_date
    from account_owners
    inner join organizations_consolidated
        on account_owners.organization_id = organizations_consolidated.organization_id
    where account_owners.end_date is null or account_owners.end_date >= account_owners.start_date
),

month_ends as (
    select
        month,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month')) }} as date) as month_end_date
    from months
),

stints_covering_month_ends as (
    select
        stints.organization_id,
        month_ends.month,
        stints.owner_id,
        stints.segment,
        stints.start_date,
        row_number() over (
            partition by stints.organization_id, month_ends.month
            order by stints.start_date desc, stints.owner_id asc
        ) as owner_rank
    from stints
    inner join month_ends
        on
            stints.start_date <= month_ends.month_end_date
            and (stints.end_date is null or stints.end_date >= month_ends.month_end_date)
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
