-- Reconciliation (TAM quota): a rep's attainment, commissionable and held-back attainment and
-- book size are exactly the sums over the account rows of the book, and what is released to the
-- rep in a quarter is exactly the held-back attainment of the rep's accounts paid in that quarter.
-- Returns the reps that differ.

with

rep_attainment as (
    select * from {{ ref('tam_quota_attainment_quarterly') }}
),

account_attainment as (
    select * from {{ ref('tam_quota_account_quarterly') }}
),

book_sums as (
    select
        owner_id,
        quarter,
        count(*) as book_accounts,
        sum(counted_attainment_usd) as attainment_usd,
        sum(commissionable_attainment_usd) as commissionable_attainment_usd,
        sum(held_back_attainment_usd) as held_back_attainment_usd,
        sum(attainment_usd) as uncounted_attainment_usd
    from account_attainment
    group by owner_id, quarter
),

releases as (
    select
        owner_id,
        held_back_paid_in_quarter as quarter,
        sum(held_back_attainment_usd) as released_held_back_attainment_usd
    from account_attainment
    where held_back_paid_in_quarter is not null
    group by owner_id, held_back_paid_in_quarter
),

compared as (
    select
        rep_attainment.owner_id,
        rep_attainment.quarter,
        rep_attainment.attainment_usd,
        book_sums.attainment_usd as book_attainment_usd,
        rep_attainment.book_accounts,
        book_sums.book_accounts as book_rows
    from rep_attainment
    full outer join book_sums
        on rep_attainment.owner_id = book_sums.owner_id and rep_attainment.quarter = book_sums.quarter
    left join releases
        on rep_attainment.owner_id = releases.owner_id and rep_attainment.quarter = releases.quarter
    where
        rep_attainment.owner_id is null
        or (not rep_attainment.is_first_reported_quarter and (
            rep_attainment.attainment_usd <> coalesce(book_sums.attainment_usd, 0)
            or rep_attainment.commissionable_attainment_usd <> coalesce(book_sums.commissionable_attainment_usd, 0)
            or rep_attainment.held_back_attainment_usd <> coalesce(book_sums.held_back_attainment_usd, 0)
            or rep_attainment.uncounted_attainment_usd <> coalesce(book_sums.uncounted_attainment_usd, 0)
        ))
        or (rep_attainment.is_first_reported_quarter and rep_attainment.attainment_usd is not null)
        or rep_attainment.released_held_back_attainment_usd <> coalesce(releases.released_held_back_attainment_usd, 0)
        or rep_attainment.book_accounts <> coalesce(book_sums.book_accounts, 0)
)

select * from compared
