-- Section 7, quota ARR and account attainment: one row per customer and reported
-- quarter, from the quarter of its first invoiced month (invoiced usage > 0) to the
-- reporting quarter, so the previous quarter is always the row before.
--   churned        no invoiced usage in the quarter's last month, or cancelled
--                  (int_quota_cancellations_quarterly)                      -> ARR 0
--   new customer   first invoiced month inside the quarter with fewer than three
--                  invoiced months in it                     -> Σ amounts × 12 / months
--   otherwise                                                -> 4 × Σ amounts
-- In the reporting quarter while in progress the months so far stand in for the
-- quarter: churn is judged on the reporting month and ARR = Σ × 12 / months so far.
-- Attainment = quota ARR(Q) - quota ARR(Q - 1), the latter 0 before the first quarter.
-- churn_date: the first day of the month after the last invoiced month, or the
-- cancellation date when that is earlier (used by the grace rule).

with

invoice_amounts as (
    select * from {{ ref('int_quota_invoice_amounts_monthly') }}
),

contract_run_rates as (
    select * from {{ ref('int_quota_contract_run_rates_monthly') }}
),

cancellations as (
    select * from {{ ref('int_quota_cancellations_quarterly') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
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
        quarters.is_quarter_in_progress
    from customer_first_months
    inner join quarters
        on customer_first_months.first_invoiced_month <= quarters.last_counted_month
),

invoice_amounts_in_quarters as (
    select
        *,
        cast({{ dbt.date_trunc('quarter', 'month') }} as date) as quarter_start_month
    from invoice_amounts
),

quarter_amounts as (
    select
        customer_quarters.organization_id,
        customer_quarters.quarter,
        cast(coalesce(sum(invoice_amounts_in_quarters.invoiced_usage_usd), 0) as decimal(18, 2)) as invoiced_usage_usd,
        cast(
            coalesce(sum(invoice_amounts_in_quarters.quota_invoice_amount_usd), 0) as decimal(18, 2)
        ) as quota_invoice_amount_usd,
        sum(case when invoice_amounts_in_quarters.invoiced_usage_usd > 0 then 1 else 0 end) as count_invoiced_months,
        sum(
            case
                when
                    invoice_amounts_in_quarters.month = customer_quarters.last_counted_month
                    and invoice_amounts_in_quarters.invoiced_usage_usd > 0
                    then 1
                else 0
            end
        ) as count_invoiced_last_months
    from customer_quarters
    left join invoice_amounts_in_quarters
        on
            customer_quarters.organization_id = invoice_amounts_in_quarters.organization_id
            and customer_quarters.quarter_start_month = invoice_amounts_in_quarters.quarter_start_month
            and customer_quarters.last_counted_month >= invoice_amounts_in_quarters.month
    group by customer_quarters.organization_id, customer_quarters.quarter
),

contract_run_rates_in_quarters as (
    select
        *,
        cast({{ dbt.date_trunc('quarter', 'month') }} as date) as quarter_start_month
    from contract_run_rates
),

contract_quarters as (
    select distinct
        customer_quarters.organization_id,
        customer_quarters.quarter
    from customer_quarters
    inner join contract_run_rates_in_quarters
        on
            customer_quarters.organization_id = contract_run_rates_in_quarters.organization_id
            and customer_quarters.quarter_start_month = contract_run_rates_in_quarters.quarter_start_month
            and customer_quarters.last_counted_month >= contract_run_rates_in_quarters.month
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
        customer_quarters.counted_months,
        customer_quarters.first_invoiced_month,
        quarter_amounts.invoiced_usage_usd,
        quarter_amounts.quota_invoice_amount_usd,
        quarter_amounts.count_invoiced_months,
        last_invoiced_months.last_invoiced_month,
        customer_quarters.first_invoiced_month >= customer_quarters.quarter_start_month as is_new_customer,
        contract_quarters.organization_id is not null as has_annual_contract,
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
    left join contract_quarters
        on
            customer_quarters.organization_id = contract_quarters.organization_id
            and customer_quarters.quarter = contract_quarters.quarter
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

with_previous as (
    select
        *,
        cast(
            coalesce(lag(quota_arr_usd) over (partition by organization_id order by quarter_start_month), 0)
            as decimal(18, 2)
        ) as previous_quota_arr_usd
    from annualised
),

attainment as (
    select
        organization_id,
        quarter,
        quarter_start_month,
        is_quarter_in_progress,
        first_invoiced_month,
        last_invoiced_month,
        count_invoiced_months,
        invoiced_usage_usd,
        quota_invoice_amount_usd,
        is_new_customer,
        has_annual_contract,
        has_no_revenue_in_last_month,
        is_cancelled,
        is_churned,
        churn_date,
        quota_arr_usd,
        previous_quota_arr_usd,
        cast(quota_arr_usd - previous_quota_arr_usd as decimal(18, 2)) as attainment_usd
    from with_previous
)

select * from attainment
