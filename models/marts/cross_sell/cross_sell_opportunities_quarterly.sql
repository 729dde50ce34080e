-- Cross-sell opportunities per quarter, owner (TAM) and product, as the handbook's sales growth review
-- asks after each quarter: how many were created, how many closed won and lost, the win rate, the
-- average deal size (expected MRR of the won ones), the average cycle time (days from created to closed)
-- and how many won ones produced paid revenue on the product within `cross_sell_revenue_within_days` (90).
-- An opportunity counts as created in the quarter it was created and as won or lost in the quarter it
-- closed; a quarter, owner and product appears when something was created or closed in it.

with

opportunity_outcomes as (
    select * from {{ ref('int_cross_sell_opportunities_outcomes') }}
),

events as (
    select
        created_quarter_start_month as quarter_start_month,
        owner_id,
        product_key,
        1 as is_created,
        0 as is_won,
        0 as is_lost,
        cast(null as decimal(18, 2)) as won_expected_mrr_usd,
        cast(null as integer) as cycle_days,
        0 as has_revenue_after_win
    from opportunity_outcomes

    union all

    select
        closed_quarter_start_month as quarter_start_month,
        owner_id,
        product_key,
        0 as is_created,
        case when is_won then 1 else 0 end as is_won,
        case when is_lost then 1 else 0 end as is_lost,
        case when is_won then expected_mrr_usd end as won_expected_mrr_usd,
        cast(cycle_days as integer) as cycle_days,
        case when has_revenue_after_win then 1 else 0 end as has_revenue_after_win
    from opportunity_outcomes
    where is_won or is_lost
),

aggregated as (
    select
        quarter_start_month,
        owner_id,
        product_key,
        sum(is_created) as opportunities_created,
        sum(is_won) as opportunities_won,
        sum(is_lost) as opportunities_lost,
        sum(won_expected_mrr_usd) as won_expected_mrr_usd,
        avg(cycle_days) as average_cycle_days,
        sum(has_revenue_after_win) as won_with_revenue
    from events
    group by quarter_start_month, owner_id, product_key
),

published as (
    select
        quarter_start_month,
        {{ quarter_name('quarter_start_month') }} as quarter,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(product_key as {{ dbt.type_string() }}) as product_key,
        cast(opportunities_created as integer) as opportunities_created,
        cast(opportunities_won as integer) as opportunities_won,
        cast(opportunities_lost as integer) as opportunities_lost,
        cast(opportunities_won as double) / nullif(opportunities_won + opportunities_lost, 0) as win_rate,
        case
            when opportunities_won > 0 then {{ divide_to_cents('won_expected_mrr_usd', 'opportunities_won') }}
        end as average_deal_size_mrr_usd,
        cast(average_cycle_days as double) as average_cycle_days,
        cast(won_with_revenue as integer) as won_with_revenue
    from aggregated
)

select * from published
