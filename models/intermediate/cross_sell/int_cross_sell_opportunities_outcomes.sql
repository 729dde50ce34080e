-- Cross-sell opportunities and their outcomes: the opportunities whose record type is
-- `cross_sell_record_type`, with an owner and a product, on the consolidated customer, dated up to the
-- reporting month. Each counts as created in the quarter of its creation and, once closed (Closed Won or
-- Closed Lost), as won or lost in the quarter it closed, with its cycle time (days from created to
-- closed). A won opportunity produced revenue when the customer paid at least `cross_sell_min_mrr_usd`
-- (100) of adjusted MRR for the product in a month that starts no later than
-- `cross_sell_revenue_within_days` (90) days after it closed, from the month it closed.

with

opportunities as (
    select * from {{ ref('stg_crm__opportunities') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

product_mrr_adjusted_monthly as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

months as (
    select * from {{ ref('int_months') }}
),

reporting_month as (
    select month as reporting_month
    from months
    where is_newest_month
),

cross_sell_opportunities as (
    select
        opportunities.opportunity_id,
        organizations_consolidated.consolidated_organization_id as organization_id,
        opportunities.owner_id,
        opportunities.product_key,
        opportunities.opportunity_stage,
        opportunities.expected_mrr_usd,
        opportunities.created_date,
        case
            when
                opportunities.opportunity_stage in ('Closed Won', 'Closed Lost')
                and cast({{ dbt.date_trunc('month', 'opportunities.closed_date') }} as date)
                <= reporting_month.reporting_month
                then opportunities.closed_date
        end as closed_date
    from opportunities
    inner join organizations_consolidated
        on opportunities.organization_id = organizations_consolidated.organization_id
    cross join reporting_month
    where
        opportunities.record_type = '{{ var("cross_sell_record_type") }}'
        and opportunities.owner_id is not null
        and opportunities.product_key is not null
        and cast({{ dbt.date_trunc('month', 'opportunities.created_date') }} as date) <= reporting_month.reporting_month
),

revenue_after_win as (
    select distinct cross_sell_opportunities.opportunity_id
    from cross_sell_opportunities
    inner join product_mrr_adjusted_monthly
        on
            cross_sell_opportunities.organization_id = product_mrr_adjusted_monthly.organization_id
            and cross_sell_opportunities.product_key = product_mrr_adjusted_monthly.product_key
            and product_mrr_adjusted_monthly.month
            >= cast({{ dbt.date_trunc('month', 'cross_sell_opportunities.closed_date') }} as date)
            and product_mrr_adjusted_monthly.month
            <= {{ dbt.dateadd('day', var('cross_sell_revenue_within_days'), 'cross_sell_opportunities.closed_date') }}
    where
        cross_sell_opportunities.opportunity_stage = 'Closed Won'
        and cross_sell_opportunities.closed_date is not null
        and product_mrr_adjusted_monthly.adjusted_mrr_usd >= {{ var('cross_sell_min_mrr_usd') }}
),

outcomes as (
    select
        cross_sell_opportunities.opportunity_id,
        cross_sell_opportunities.organization_id,
        cross_sell_opportunities.owner_id,
        cross_sell_opportunities.product_key,
        cross_sell_opportunities.expected_mrr_usd,
        cross_sell_opportunities.created_date,
        cast(
            {{ dbt.date_trunc('quarter', 'cross_sell_opportunities.created_date') }} as date
        ) as created_quarter_start_month,
        cross_sell_opportunities.closed_date,
        cast(
            {{ dbt.date_trunc('quarter', 'cross_sell_opportunities.closed_date') }} as date
        ) as closed_quarter_start_month,
        cross_sell_opportunities.closed_date is not null
        and cross_sell_opportunities.opportunity_stage = 'Closed Won' as is_won,
        cross_sell_opportunities.closed_date is not null
        and cross_sell_opportunities.opportunity_stage = 'Closed Lost' as is_lost,
        {{ dbt.datediff('cross_sell_opportunities.created_date', 'cross_sell_opportunities.closed_date', 'day') }}
            as cycle_days,
        revenue_after_win.opportunity_id is not null as has_revenue_after_win
    from cross_sell_opportunities
    left join revenue_after_win
        on cross_sell_opportunities.opportunity_id = revenue_after_win.opportunity_id
)

select * from outcomes
