-- The biggest gainers and losers of every month (the report's movers): per month, the
-- `movers_per_direction` customers whose adjusted MRR rose most from the previous month and as many whose
-- adjusted MRR fell most, new, reactivated and churned customers included, with the products they paid for
-- that month. Equal changes rank by organization_id, so a rank is stable from build to build.

with

customer_lifecycle_stages as (
    select * from {{ ref('int_customer_lifecycle_stages') }}
),

product_mrr_adjusted_monthly as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

moved as (
    select
        organization_id,
        month,
        stage,
        previous_mrr_usd,
        mrr_usd,
        mrr_change_usd,
        is_provisional,
        is_in_analysis_window,
        case when mrr_change_usd > 0 then 'gainer' else 'loser' end as direction
    from customer_lifecycle_stages
    where mrr_change_usd <> 0
),

ranked as (
    select
        organization_id,
        month,
        direction,
        stage,
        previous_mrr_usd,
        mrr_usd,
        mrr_change_usd,
        is_provisional,
        is_in_analysis_window,
        row_number() over (
            partition by month, direction
            order by abs(mrr_change_usd) desc, organization_id asc
        ) as mover_rank
    from moved
),

top_movers as (
    select * from ranked
    where mover_rank <= {{ var('movers_per_direction') }}
),

products_paid as (
    select
        product_mrr.organization_id,
        product_mrr.month,
        {{ dbt.listagg('product_mrr.product_key', "', '", 'order by product_mrr.product_key') }} as products
    from product_mrr_adjusted_monthly as product_mrr
    inner join top_movers
        on
            product_mrr.organization_id = top_movers.organization_id
            and product_mrr.month = top_movers.month
    where product_mrr.adjusted_mrr_usd > 0
    group by product_mrr.organization_id, product_mrr.month
),

published as (
    select
        top_movers.month,
        cast(top_movers.direction as {{ dbt.type_string() }}) as direction,
        cast(top_movers.mover_rank as integer) as rank,
        top_movers.organization_id,
        top_movers.stage,
        top_movers.previous_mrr_usd,
        top_movers.mrr_usd,
        top_movers.mrr_change_usd,
        products_paid.products,
        top_movers.is_provisional,
        top_movers.is_in_analysis_window
    from top_movers
    left join products_paid
        on
            top_movers.organization_id = products_paid.organization_id
            and top_movers.month = products_paid.month
)

select * from published
