-- Rolling retention by customer and by slice adds up to the company-wide table exactly: for
-- every month and lookback of retention_rolling_monthly, the customer-level rows
-- (retention_rolling_customer_monthly) and the slices (retention_rolling_segment_monthly) have
-- the same base customers, churned base customers and base, current and capped MRR (decimal
-- money, to the cent). A month with no base customer has no customer or slice rows and 0 sums.
-- A customer or slice row for a month-lookback the company-wide table lacks fails too.
-- Returns the month-lookbacks where either disagrees.

with

rolling_retention as (
    select * from {{ ref('retention_rolling_monthly') }}
),

rolling_retention_by_customer as (
    select * from {{ ref('retention_rolling_customer_monthly') }}
),

rolling_retention_by_segment as (
    select * from {{ ref('retention_rolling_segment_monthly') }}
),

customers_summed as (
    select
        month,
        lookback_months,
        count(*) as base_customers,
        count(case when is_churned then 1 end) as churned_base_customers,
        sum(base_mrr_usd) as base_mrr_usd,
        sum(current_mrr_usd) as current_mrr_usd,
        sum(capped_mrr_usd) as capped_mrr_usd
    from rolling_retention_by_customer
    group by month, lookback_months
),

segments_summed as (
    select
        month,
        lookback_months,
        sum(base_customers) as base_customers,
        sum(churned_base_customers) as churned_base_customers,
        sum(base_mrr_usd) as base_mrr_usd,
        sum(current_mrr_usd) as current_mrr_usd,
        sum(capped_mrr_usd) as capped_mrr_usd
    from rolling_retention_by_segment
    group by month, lookback_months
),

compared as (
    select
        coalesce(rolling_retention.month, customers_summed.month, segments_summed.month) as month,
        coalesce(rolling_retention.lookback_months, customers_summed.lookback_months, segments_summed.lookback_months)
            as lookback_months,
        rolling_retention.base_customers,
        rolling_retention.churned_base_customers,
        rolling_retention.base_mrr_usd,
        rolling_retention.current_mrr_usd,
        rolling_retention.capped_mrr_usd,
        coalesce(customers_summed.base_customers, 0) as customer_base_customers,
        coalesce(customers_summed.churned_base_customers, 0) as customer_churned_base_customers,
        coalesce(customers_summed.base_mrr_usd, 0) as customer_base_mrr_usd,
        coalesce(customers_summed.current_mrr_usd, 0) as customer_current_mrr_usd,
        coalesce(customers_summed.capped_mrr_usd, 0) as customer_capped_mrr_usd,
        coalesce(segments_summed.base_customers, 0) as segment_base_customers,
        coalesce(segments_summed.churned_base_customers, 0) as segment_churned_base_customers,
        coalesce(segments_summed.base_mrr_usd, 0) as segment_base_mrr_usd,
        coalesce(segments_summed.current_mrr_usd, 0) as segment_current_mrr_usd,
        coalesce(segments_summed.capped_mrr_usd, 0) as segment_capped_mrr_usd
    from rolling_retention
    full outer join customers_summed
        on
            rolling_retention.month = customers_summed.month
            and rolling_retention.lookback_months = customers_summed.lookback_months
    full outer join segments_summed
        on
            coalesce(rolling_retention.month, customers_summed.month) = segments_summed.month
            and coalesce(rolling_retention.lookback_months, customers_summed.lookback_months)
            = segments_summed.lookback_months
),

failing as (
    select * from compared
    where
        base_customers is null
        or base_customers <> customer_base_customers
        or churned_base_customers <> customer_churned_base_customers
        or base_mrr_usd <> customer_base_mrr_usd
        or current_mrr_usd <> customer_current_mrr_usd
        or capped_mrr_usd <> customer_capped_mrr_usd
        or base_customers <> segment_base_customers
        or churned_base_customers <> segment_churned_base_customers
        or base_mrr_usd <> segment_base_mrr_usd
        or current_mrr_usd <> segment_current_mrr_usd
        or capped_mrr_usd <> segment_capped_mrr_usd
)

select * from failing
