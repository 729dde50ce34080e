-- TAM quota, quota ARR and account attainment measured like for like: one row per customer
-- and reported quarter, from the quarter of its first invoiced month (invoiced usage > 0) to
-- the reporting quarter, so the previous quarter is always the row before.
-- Quota ARR of a quarter, from the quota invoice amounts of its months:
--   churned        no invoiced usage in the quarter's last month, or cancelled
--                  (int_quota_cancellations_quarterly)                      -> ARR 0
--   new customer   first invoiced month inside the quarter with fewer than three
--                  invoiced months in it                     -> Σ amounts × 12 / months
--   otherwise                                                -> 4 × Σ amounts
-- In the reporting quarter while in progress the months so far stand in for the quarter:
-- churn is judged on the reporting month and ARR = Σ × 12 / months so far.
-- Like for like: the previous quarter is measured again with this quarter's run rates,
-- month for month (its first month against the run rate in force in this quarter's first
-- month, and so on; while this quarter is in progress, the run rate of its last counted
-- month stands in for months not reported yet), with its own usage, multipliers and its
-- own new-customer and churn classification. So a change of contracts alone (a conversion
-- to a contract, a renewal, an upsized or an unrenewed contract, a co-terminus expansion,
-- an early renewal) moves nothing on flat usage, and usage growth beyond the run rate counts.
-- Attainment = quota ARR(Q) - like-for-like quota ARR(Q - 1), the latter 0 before the
-- customer's first invoiced quarter. In the first reported quarter there is no quarter
-- before it in the data: both are empty. Both quarters are at this quarter's last-month
-- exchange rate (int_quota_amounts_valued_quarterly), so a rate move alone is no attainment.
-- churn_date: the first day of the month after the last invoiced month, or the
-- cancellation date when that is earlier (used by the grace rule).

with

invoice_amounts as (
    select * from {{ ref('int_quota_invoice_amounts_monthly') }}
),

amounts_valued as (
    select * from {{ ref('int_quota_amounts_valued_quarterly') }}
),

cancellations as (
    select * from {{ ref('int_quota_cancellations_quarterly') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

integers as (
    select n from {{ integers(1) }} as integers
),

invoiced_months as (
    select * from invoice_amounts
    where invoiced_usage_usd > 0
),

customer_first_months as (
    select
        organization_id,
        min(month) as first_invoiced_month
    from invoiced_months
    group by organization_id
),

customer_quarters as (
    select
        customer_first_months.organization_id,
        customer_first_months.first_invoiced_month,
        quarters.quarter,
        quarters.quarter_start_month,
        quarters.quarter_end_month,
        quarters.last_counted_month,
        quarters.counted_months,
        quarters.is_quarter_in_progress,
        quarters.is_first_reported_quarter,
        quarters.attainment_empty_reason
    from customer_first_months
    inner join quarters
        on customer_first_months.first_invoiced_month <= quarters.last_counted_month
),

-- Each month of a quarter with the same month of the previous quarter and the month whose
-- run rate both are measured against.
quarter_months as (
    select
        quarters.quarter,
        quarters.last_counted_month,
        cast({{ dbt.dateadd('month', 'integers.n', 'quarters.quarter_start_month') }} as date) as month
    from quarters
    cross join integers
    where integers.n < 3
),

quarter_months_paired as (
    select
        quarter,
        month,
        last_counted_month,
        cast({{ dbt.dateadd('month', -3, 'month') }} as date) as previous_month,
        month <= last_counted_month as is_counted_month,
        case when month > last_counted_month then last_counted_month else month end as run_rate_month
    from quarter_months
),

customer_quarter_months as (
    select
        customer_quarters.organization_id,
        customer_quarters.quarter,
        quarter_months_paired.month,
        quarter_months_paired.previous_month,
        quarter_months_paired.is_counted_month,
        quarter_months_paired.month = quarter_months_paired.last_counted_month as is_last_counted_month,
        quarter_months_paired.run_rate_month
    from customer_quarters
    inner join quarter_months_paired
        on customer_quarters.quarter = quarter_months_paired.quarter
),

-- Every amount of a quarter's months and of the months before them at the quarter's rate
-- (int_quota_amounts_valued_quarterly): in constant currency a rate move alone is no attainment.
-- Two look-ups per month: its run-rate month, which is the month itself whenever the month is
-- counted (so its own usage and multiplier are read there too), and the same month of the
-- previous quarter (its usage, multiplier and own run rate). For a month not counted yet the
-- run-rate row is the last counted month's: its usage and multiplier may only be read under
-- is_counted_month.
months_measured as (
    select
        customer_quarter_months.organization_id,
        customer_quarter_months.quarter,
        customer_quarter_months.month,
        customer_quarter_months.is_counted_month,
        customer_quarter_months.is_last_counted_month,
        cast(coalesce(run_rate_month_amounts.run_rate_usd, 0) as decimal(18, 2)) as run_rate_usd,
        cast(coalesce(previous_amounts.run_rate_usd, 0) as decimal(18, 2)) as previous_own_run_rate_usd,
        customer_quarter_months.is_counted_month
        and coalesce(run_rate_month_amounts.count_contracts_in_force, 0) > 0 as is_contract_month,
        case
            when customer_quarter_months.is_counted_month then coalesce(run_rate_month_amounts.invoiced_usage_usd, 0)
            else 0
        end as invoiced_usage_usd,
        case
            when customer_quarter_months.is_counted_month
                then coalesce(
                    {{ usage_beyond_run_rate(
                        'run_rate_month_amounts.invoiced_usage_usd', 'run_rate_month_amounts.run_rate_usd'
                    ) }},
                    0
                )
            else 0
        end as usage_beyond_run_rate_usd,
        case
            when customer_quarter_months.is_counted_month
                then coalesce(
                    {{ to_cents(
                        usage_beyond_run_rate(
                            'run_rate_month_amounts.invoiced_usage_usd', 'run_rate_month_amounts.run_rate_usd'
                        )
                        ~ ' * run_rate_month_amounts.quota_multiplier'
                    ) }},
                    0
                )
            else 0
        end as quota_invoice_amount_usd,
        coalesce(previous_amounts.invoiced_usage_usd, 0) as previous_invoiced_usage_usd,
        coalesce(
            {{ usage_beyond_run_rate('previous_amounts.invoiced_usage_usd', 'run_rate_month_amounts.run_rate_usd') }},
            0
        ) as previous_usage_beyond_run_rate_usd,
        coalesce(
            {{ to_cents(
                usage_beyond_run_rate('previous_amounts.invoiced_usage_usd', 'run_rate_month_amounts.run_rate_usd')
                ~ ' * previous_amounts.quota_multiplier'
            ) }},
            0
        ) as previous_quota_invoice_amount_usd
    from customer_quarter_months
    left join amounts_valued as run_rate_month_amounts
        on
            customer_quarter_months.organization_id = run_rate_month_amounts.organization_id
            and customer_quarter_months.quarter = run_rate_month_amounts.quarter
            and customer_quarter_months.run_rate_month = run_rate_month_amounts.month
    left join amounts_valued as previous_amounts
        on
            customer_quarter_months.organization_id = previous_amounts.organization_id
            and customer_quarter_months.quarter = previous_amounts.quarter
            and customer_quarter_months.previous_month = previous_amounts.month
),

quarter_amounts as (
    select
        organization_id,
        quarter,
        cast(sum(invoiced_usage_usd) as decimal(18, 2)) as invoiced_usage_usd,
        cast(sum(usage_beyond_run_rate_usd) as decimal(18, 2)) as usage_beyond_run_rate_usd,
        cast(sum(quota_invoice_amount_usd) as decimal(18, 2)) as quota_invoice_amount_usd,
        cast(sum(run_rate_usd) as decimal(18, 2)) as contract_run_rate_usd,
        cast(sum(previous_own_run_rate_usd) as decimal(18, 2)) as previous_quarter_own_run_rate_usd,
        cast(sum(previous_invoiced_usage_usd) as decimal(18, 2)) as previous_invoiced_usage_usd,
        cast(sum(previous_usage_beyond_run_rate_usd) as decimal(18, 2)) as previous_usage_beyond_run_rate_usd,
        cast(sum(previous_quota_invoice_amount_usd) as decimal(18, 2)) as previous_quota_invoice_amount_usd,
        sum(case when is_counted_month and invoiced_usage_usd > 0 then 1 else 0 end) as count_invoiced_months,
        sum(case when is_last_counted_month and invoiced_usage_usd > 0 then 1 else 0 end) as count_invoiced_last_months,
        sum(case when is_contract_month then 1 else 0 end) as count_contract_months
    from months_measured
    group by organization_id, quarter
),

-- The latest invoiced month up to each quarter's last counted month: a running max over the
-- customer's invoiced months and quarter ends in date order (an invoiced month before a quarter
-- end of the same month), rather than a join of every quarter with every earlier month.
invoiced_months_and_quarter_ends as (
    select
        organization_id,
        month as event_month,
        0 as event_order,
        month as invoiced_month,
        cast(null as {{ dbt.type_string() }}) as quarter
    from invoiced_months

    union all

    select
        organization_id,
        last_counted_month as event_month,
        1 as event_order,
        cast(null as date) as invoiced_month,
        quarter
    from customer_quarters
),

running_last_invoiced_months as (
    select
        organization_id,
        quarter,
        max(invoiced_month) over (
            partition by organization_id
            order by event_month, event_order
            rows between unbounded preceding and current row
        ) as last_invoiced_month
    from invoiced_months_and_quarter_ends
),

last_invoiced_months as (
    select
        organization_id,
        quarter,
        last_invoiced_month
    from running_last_invoiced_months
    where quarter is not null and last_invoiced_month is not null
),

classified as (
    select
        customer_quarters.organization_id,
        customer_quarters.quarter,
        customer_quarters.quarter_start_month,
        customer_quarters.is_quarter_in_progress,
        customer_quarters.is_first_reported_quarter,
        customer_quarters.attainment_empty_reason,
        customer_quarters.counted_months,
        customer_quarters.first_invoiced_month,
        quarter_amounts.invoiced_usage_usd,
        quarter_amounts.usage_beyond_run_rate_usd,
        quarter_amounts.quota_invoice_amount_usd,
        quarter_amounts.contract_run_rate_usd,
        quarter_amounts.previous_quarter_own_run_rate_usd,
        quarter_amounts.previous_invoiced_usage_usd,
        quarter_amounts.previous_usage_beyond_run_rate_usd,
        quarter_amounts.previous_quota_invoice_amount_usd,
        quarter_amounts.count_invoiced_months,
        last_invoiced_months.last_invoiced_month,
        customer_quarters.first_invoiced_month >= customer_quarters.quarter_start_month as is_new_customer,
        quarter_amounts.count_contract_months > 0 as has_annual_contract,
        quarter_amounts.count_invoiced_last_months = 0 as has_no_revenue_in_last_month,
        cancellations.organization_id is not null as is_cancelled,
        cancellations.canceled_date,
        quarter_amounts.count_invoiced_last_months = 0 or cancellations.organization_id is not null as is_churned
    from customer_quarters
    inner join quarter_amounts
        on
            customer_quarters.organization_id = quarter_amounts.organization_id
            and customer_quarters.quarter = quarter_amounts.quarter
    inner join last_invoiced_months
        on
            customer_quarters.organization_id = last_invoiced_months.organization_id
            and customer_quarters.quarter = last_invoiced_months.quarter
    left join cancellations
        on
            customer_quarters.organization_id = cancellations.organization_id
            and customer_quarters.quarter = cancellations.quarter
),

with_churn_date as (
    select
        *,
        case
            when not is_churned then null
            when has_no_revenue_in_last_month and canceled_date is not null
                then least(canceled_date, cast({{ dbt.dateadd('month', 1, 'last_invoiced_month') }} as date))
            when has_no_revenue_in_last_month then cast({{ dbt.dateadd('month', 1, 'last_invoiced_month') }} as date)
            else canceled_date
        end as churn_date
    from classified
),

annualised as (
    select
        *,
        case
            when is_churned then cast(0 as decimal(18, 2))
            when is_new_customer and count_invoiced_months < counted_months
                then {{ divide_to_cents('quota_invoice_amount_usd * 12', 'nullif(count_invoiced_months, 0)') }}
            else {{ divide_to_cents('quota_invoice_amount_usd * 12', 'nullif(counted_months, 0)') }}
        end as quota_arr_usd
    from with_churn_date
),

-- The previous quarter's own classification: it decides how its like-for-like amounts are
-- annualised (a quarter that churned counts 0, a new customer's first quarter Σ × 12 / months).
with_previous_quarter as (
    select
        *,
        lag(quarter_start_month) over customer_quarters_in_order as previous_row_quarter_start_month,
        lag(is_new_customer) over customer_quarters_in_order as is_new_customer_previous_quarter,
        lag(is_churned) over customer_quarters_in_order as is_churned_previous_quarter,
        lag(count_invoiced_months) over customer_quarters_in_order as previous_count_invoiced_months,
        lag(counted_months) over customer_quarters_in_order as previous_counted_months,
        lag(quota_arr_usd) over customer_quarters_in_order as previous_quota_arr_as_reported_usd
    from annualised
    window customer_quarters_in_order as (partition by organization_id order by quarter_start_month)
),

like_for_like as (
    select
        *,
        case
            when is_first_reported_quarter then null
            when previous_row_quarter_start_month is null then cast(0 as decimal(18, 2))
            when is_churned_previous_quarter then cast(0 as decimal(18, 2))
            when is_new_customer_previous_quarter and previous_count_invoiced_months < previous_counted_months
                then {{ divide_to_cents(
                    'previous_quota_invoice_amount_usd * 12', 'nullif(previous_count_invoiced_months, 0)'
                ) }}
            else {{ divide_to_cents('previous_quota_invoice_amount_usd * 12', 'nullif(previous_counted_months, 0)') }}
        end as previous_quota_arr_usd
    from with_previous_quarter
),

attainment as (
    select
        organization_id,
        quarter,
        quarter_start_month,
        is_quarter_in_progress,
        is_first_reported_quarter,
        attainment_empty_reason,
        first_invoiced_month,
        last_invoiced_month,
        count_invoiced_months,
        invoiced_usage_usd,
        contract_run_rate_usd,
        usage_beyond_run_rate_usd,
        quota_invoice_amount_usd,
        previous_quarter_own_run_rate_usd,
        previous_invoiced_usage_usd,
        previous_usage_beyond_run_rate_usd,
        previous_quota_invoice_amount_usd,
        is_new_customer,
        has_annual_contract,
        has_no_revenue_in_last_month,
        is_cancelled,
        is_churned,
        churn_date,
        coalesce(is_new_customer_previous_quarter, false) as is_new_customer_previous_quarter,
        coalesce(is_churned_previous_quarter, false) as is_churned_previous_quarter,
        quota_arr_usd,
        previous_quota_arr_usd,
        case
            when not is_first_reported_quarter
                then cast(coalesce(previous_quota_arr_as_reported_usd, 0) as decimal(18, 2))
        end as previous_quota_arr_as_reported_usd,
        cast(quota_arr_usd - previous_quota_arr_usd as decimal(18, 2)) as attainment_usd
    from like_for_like
)

select * from attainment
