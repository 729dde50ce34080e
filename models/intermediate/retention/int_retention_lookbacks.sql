-- Section 5: the lookbacks of rolling retention, one row per value of
-- macros/retention_lookback_months.sql (3, 6 and 12 months; each below 1,000).

with

integers as (
    select n from {{ integers(3) }} as integers
),

lookbacks as (
    select cast(n as integer) as lookback_months
    from integers
    where n in ({{ retention_lookback_months() | join(', ') }})
)

select * from lookbacks
