-- TAM quota, book membership: one row per account (the consolidated customer) and reported
-- quarter that has an owner in the quota book (segment var quota_segment), with that one
-- owner. An account has exactly one owner a quarter:
--   owner_on_first_day             the owner of an AM Managed stint that covers the quarter's
--                                  first day (where two do, which can happen when several
--                                  organizations roll into one customer: the later stint,
--                                  then the smaller owner_id)
--   first_assigned_during_quarter  no owner on the first day: the owner of the earliest AM
--                                  Managed stint that starts during the quarter
-- Removals take effect only after the quarter's calculation, so a mid-quarter hand-over
-- moves the account from the next quarter on, and an account is never in two books at once.
-- For the grace rule each row carries the owner's first assignment to the account in any
-- segment (assigned_date) and the previous owner: whoever else held the account (in any
-- segment) in the latest stint that started before that first assignment.

with

account_owner_stints as (
    select * from {{ ref('int_account_owner_stints_consolidated') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

book_stints as (
    select * from account_owner_stints
    where segment = '{{ var("quota_segment") }}'
),

first_assignments as (
    select
        organization_id,
        owner_id,
        min(start_date) as assigned_date
    from account_owner_stints
    group by organization_id, owner_id
),

earlier_stints_of_other_owners as (
    select
        first_assignments.organization_id,
        first_assignments.owner_id,
        account_owner_stints.owner_id as previous_owner_id,
        row_number() over (
            partition by first_assignments.organization_id, first_assignments.owner_id
            order by account_owner_stints.start_date desc, account_owner_stints.owner_id desc
        ) as recency_rank
    from first_assignments
    inner join account_owner_stints
        on
            first_assignments.organization_id = account_owner_stints.organization_id
            and first_assignments.owner_id <> account_owner_stints.owner_id
            and first_assignments.assigned_date > account_owner_stints.start_date
),

previous_owners as (
    select * from earlier_stints_of_other_owners
    where recency_rank = 1
),

book_stint_quarters as (
    select
        book_stints.organization_id,
        book_stints.owner_id,
        book_stints.start_date,
        book_stints.end_date,
        quarters.quarter,
        quarters.quarter_start_month,
        book_stints.start_date <= quarters.quarter_start_month as is_owner_on_first_day
    from book_stints
    inner join quarters
        on
            book_stints.start_date < quarters.next_quarter_start_month
            and (book_stints.end_date is null or book_stints.end_date >= quarters.quarter_start_month)
),

-- The owner on the first day comes first; among first-day stints the latest, among stints that
-- start during the quarter the earliest.
book_stints_ranked as (
    select
        *,
        row_number() over (
            partition by organization_id, quarter
            order by
                case when is_owner_on_first_day then 0 else 1 end asc,
                case when is_owner_on_first_day then start_date end desc nulls last,
                start_date asc,
                owner_id asc
        ) as owner_rank
    from book_stint_quarters
),

book_quarters as (
    select
        book_stints_ranked.owner_id,
        book_stints_ranked.organization_id,
        book_stints_ranked.quarter,
        book_stints_ranked.quarter_start_month,
        case
            when book_stints_ranked.is_owner_on_first_day then 'owner_on_first_day'
            else 'first_assigned_during_quarter'
        end as ownership_basis,
        book_stints_ranked.start_date as book_stint_start_date,
        book_stints_ranked.end_date as stint_end_date,
        first_assignments.assigned_date,
        previous_owners.previous_owner_id,
        previous_owners.previous_owner_id is not null as has_previous_owner
    from book_stints_ranked
    inner join first_assignments
        on
            book_stints_ranked.organization_id = first_assignments.organization_id
            and book_stints_ranked.owner_id = first_assignments.owner_id
    left join previous_owners
        on
            book_stints_ranked.organization_id = previous_owners.organization_id
            and book_stints_ranked.owner_id = previous_owners.owner_id
    where book_stints_ranked.owner_rank = 1
)

select * from book_quarters
