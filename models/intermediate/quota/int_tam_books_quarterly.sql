-- Section 7, book membership: one row per owner, account (the consolidated customer)
-- and reported quarter in which the account was in the owner's quota book (segment
-- var quota_segment) on at least one day. Removals take effect only after the
-- quarter's calculation, so an account handed over mid-quarter is in both books that
-- quarter. For the grace rule each row carries the stint it counts under (the
-- owner's earliest AM Managed stint overlapping the quarter): its start is the
-- assignment date, and the previous owner is whoever else held the account (in any
-- segment) in the latest stint that started before it.

with

account_owners as (
    select * from {{ ref('stg_crm__account_owners') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
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
),

book_stints as (
    select * from stints
    where segment = '{{ var("quota_segment") }}'
),

earlier_stints_of_other_owners as (
    select
        book_stints.organization_id,
        book_stints.owner_id,
        book_stints.start_date,
        stints.owner_id as previous_owner_id,
        row_number() over (
            partition by book_stints.organization_id, book_stints.owner_id, book_stints.start_date
            order by stints.start_date desc, stints.owner_id desc
        ) as recency_rank
    from book_stints
    inner join stints
        on
            book_stints.organization_id = stints.organization_id
            and book_stints.owner_id <> stints.owner_id
            and book_stints.start_date > stints.start_date
),

previous_owners as (
    select * from earlier_stints_of_other_owners
    where recency_rank = 1
),

book_stints_with_previous_owner as (
    select
        book_stints.*,
        previous_owners.previous_owner_id
    from book_stints
    left join previous_owners
        on
            book_stints.organization_id = previous_owners.organization_id
            and book_stints.owner_id = previous_owners.owner_id
            and book_stints.start_date = previous_owners.start_date
),

stint_quarters as (
    select
        book_stints_with_previous_owner.owner_id,
        book_stints_with_previous_owner.organization_id,
        quarters.quarter,
        quarters.quarter_start_month,
        book_stints_with_previous_owner.start_date as assigned_date,
        book_stints_with_previous_owner.end_date,
        book_stints_with_previous_owner.previous_owner_id,
        row_number() over (
            partition by
                book_stints_with_previous_owner.owner_id,
                book_stints_with_previous_owner.organization_id,
                quarters.quarter
            order by book_stints_with_previous_owner.start_date, book_stints_with_previous_owner.source_organization_id
        ) as stint_rank
    from book_stints_with_previous_owner
    inner join quarters
        on
            book_stints_with_previous_owner.start_date < quarters.next_quarter_start_month
            and (
                book_stints_with_previous_owner.end_date is null
                or book_stints_with_previous_owner.end_date >= quarters.quarter_start_month
            )
    where
        book_stints_with_previous_owner.end_date is null
        or book_stints_with_previous_owner.end_date >= book_stints_with_previous_owner.start_date
),

book_quarters as (
    select
        owner_id,
        organization_id,
        quarter,
        quarter_start_month,
        assigned_date,
        end_date as stint_end_date,
        previous_owner_id,
        previous_owner_id is not null as has_previous_owner
    from stint_quarters
    where stint_rank = 1
)

select * from book_quarters
