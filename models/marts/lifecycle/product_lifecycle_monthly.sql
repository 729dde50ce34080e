with

product_lifecycle_stages as (
    select * from {{ ref('int_product_lifecycle_stages') }}
),

published as (
    select
        organization_id,
        product_key,
        month,
        stage,
        mrr_usd,
        previous_mrr_usd,
        mrr_change_usd,
        first_paid_month,
        is_cross_sell,
        is_provisional,
        is_in_analysis_window,
        {{ mrr_to_arr('mrr_usd') }} as arr_usd,
        {{ mrr_to_arr('previous_mrr_usd') }} as previous_arr_usd,
        {{ mrr_to_arr('mrr_change_usd') }} as arr_change_usd
    from product_lifecycle_stages
    where stage is not null
)

select * from published
