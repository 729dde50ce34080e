-- Top-line MRR is exactly the attributed invoices: for every month of the calendar,
-- Σ mrr_monthly.mrr_usd = Σ of the invoice amounts attributed to that month.

with

mrr_monthly as (
    select * from {{ ref('mrr_monthly') }}
),

invoices_attributed as (
    select * from {{ ref('int_invoices_attributed_to_months') }}
),

months as (
    select * from {{ ref('int_months') }}
),

published_totals as (
    select
        month,
        sum(mrr_usd) as published_usd
    from mrr_monthly
    group by month
),

attributed_totals as (
    select
        invoices_attributed.month,
        sum(invoices_attributed.mrr_usd) as attributed_usd
    from invoices_attributed
    inner join months
        on invoices_attributed.month = months.month
    group by invoices_attributed.month
),

mismatched as (
    select
        months.month,
        coalesce(published_totals.published_usd, 0) as published_usd,
        coalesce(attributed_totals.attributed_usd, 0) as attributed_usd
    from months
    left join published_totals
        on months.month = published_totals.month
    left join attributed_totals
        on months.month = attributed_totals.month
    where coalesce(published_totals.published_usd, 0) <> coalesce(attributed_totals.attributed_usd, 0)
)

select * from mismatched
