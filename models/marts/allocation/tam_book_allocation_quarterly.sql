-- Quarterly book planning per TAM: at each quarter's start, the book (the quota book's accounts owned on
-- the quarter's first day, int_tam_books_quarterly) against the handbook's targets: 10-15 accounts, at
-- most 15 at the start and `tam_book_max_accounts_with_new_leads` (25) with the accounts added during the
-- quarter, about $1.5M of ARR; new product-led leads stop once a book reaches 15 accounts or $1.5M; and
-- the accounts to remove before the quarter starts: churned or below `allocation_min_arr_usd` (20k) of
-- ARR. ARR at the start is the account's ARR in the last month before the quarter (what is known when
-- the book is planned), so quarters whose previous month is before the data are left out.

with

tam_books as (
    select * from {{ ref('int_tam_books_quarterly') }}
),

accounts_allocated as (
    select * from {{ ref('int_accounts_allocated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

book_accounts as (
    select
        tam_books.owner_id,
        tam_books.quarter,
        tam_books.quarter_start_month,
        tam_books.organization_id,
        tam_books.ownership_basis = 'owner_on_first_day' as is_in_book_at_start,
        coalesce(accounts_allocated.arr_usd, 0) as arr_at_start_usd
    from tam_books
    inner join months
        on months.month = cast({{ dbt.dateadd('month', -1, 'tam_books.quarter_start_month') }} as date)
    left join accounts_allocated
        on
            tam_books.organization_id = accounts_allocated.organization_id
            and months.month = accounts_allocated.month
),

removals as (
    select
        *,
        is_in_book_at_start and arr_at_start_usd < {{ var('allocation_min_arr_usd') }} as is_to_remove,
        is_in_book_at_start and arr_at_start_usd = 0 as is_at_zero_arr
    from book_accounts
),

books as (
    select
        owner_id,
        quarter,
        quarter_start_month,
        sum(case when is_in_book_at_start then 1 else 0 end) as accounts_at_start,
        sum(case when is_in_book_at_start then 0 else 1 end) as accounts_added_during_quarter,
        count(*) as accounts_in_quarter,
        sum(case when is_in_book_at_start then arr_at_start_usd else 0 end) as book_arr_at_start_usd,
        sum(case when is_to_remove then 1 else 0 end) as accounts_to_remove,
        sum(case when is_at_zero_arr then 1 else 0 end) as zero_arr_accounts_to_remove
    from removals
    group by owner_id, quarter, quarter_start_month
),

accounts_to_remove_listed as (
    select
        owner_id,
        quarter_start_month,
        {{ dbt.listagg('organization_id', "', '", 'order by organization_id') }} as accounts_to_remove_ids
    from removals
    where is_to_remove
    group by owner_id, quarter_start_month
),

published as (
    select
        books.owner_id,
        cast(books.quarter as {{ dbt.type_string() }}) as quarter,
        books.quarter_start_month,
        cast(books.accounts_at_start as integer) as accounts_at_start,
        cast(books.accounts_added_during_quarter as integer) as accounts_added_during_quarter,
        cast(books.accounts_in_quarter as integer) as accounts_in_quarter,
        cast(books.book_arr_at_start_usd as decimal(18, 2)) as book_arr_at_start_usd,
        cast({{ var('tam_book_target_arr_usd') }} as decimal(18, 2)) as target_book_arr_usd,
        books.accounts_at_start between {{ var('tam_book_min_accounts') }} and {{ var('tam_book_max_accounts') }}
            as is_within_target_size,
        books.accounts_at_start > {{ var('tam_book_max_accounts') }} as is_above_max_at_start,
        books.accounts_in_quarter > {{ var('tam_book_max_accounts_with_new_leads') }} as is_above_max_with_new_leads,
        books.accounts_at_start >= {{ var('tam_book_max_accounts') }}
        or books.book_arr_at_start_usd >= {{ var('tam_book_target_arr_usd') }} as is_lead_generation_paused,
        cast(books.accounts_to_remove as integer) as accounts_to_remove,
        cast(books.zero_arr_accounts_to_remove as integer) as zero_arr_accounts_to_remove,
        cast(accounts_to_remove_listed.accounts_to_remove_ids as {{ dbt.type_string() }}) as accounts_to_remove_ids
    from books
    left join accounts_to_remove_listed
        on
            books.owner_id = accounts_to_remove_listed.owner_id
            and books.quarter_start_month = accounts_to_remove_listed.quarter_start_month
)

select * from published
