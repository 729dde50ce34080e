with

product_months_adjusted as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

published as (
    select
        organization_id,
        product_key,
        month,
        cast(mrr_usd as decimal(18, 2)) as mrr_usd,
        cast(adjusted_mrr_usd as decimal(18, 2)) as adjusted_mrr_usd,
        cast(usage_units as double) as usage_units,
        {{ mrr_to_arr('mrr_usd') }} as arr_usd,
        {{ mrr_to_arr('adjusted_mrr_usd') }} as adjusted_arr_usd
    from product_months_adjusted
)

select * from published
