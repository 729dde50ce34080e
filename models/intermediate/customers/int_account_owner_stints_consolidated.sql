-- Account ownership stints of the customer: one row per stint of the CRM's account owners
-- (an owner's time on an organization, in a book segment), moved to the consolidated
-- organization the stint's organization rolls into, so a stint on a rolled-up organization
-- counts for its customer. end_date is the stint's last day (inclusive, empty while it
-- runs); a stint that ends before it starts is a CRM slip and is left out. Both readers of
-- ownership take their stints from here: the month's owner
-- (int_account_owners_assigned_to_months) and the quota book (int_tam_books_quarterly).

with

account_owners as (
    select * from {{ ref('stg_crm__account_owners') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

stints as (
    select
        organizations_consolidated.consolidated_organization_id as organization_id,
        account_owners.organization_id as source_organization_id,
        account_owners.owner_id,
        account_owners.segment,
        account_owners.start_date,
        account_owners.end_date
    from account_owners
    inner join organizations_consolidated
        on account_owners.organization_id = organizations_consolidated.organization_id
    where account_owners.end_date is null or account_owners.end_date >= account_owners.start_date
)

select * from stints
