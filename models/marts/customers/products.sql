with

product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

published as (
    select
        cast(product_key as {{ dbt.type_string() }}) as product_key,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(usage_unit as {{ dbt.type_string() }}) as usage_unit,
        is_primary_for_quota,
        is_primary_for_allocation
    from product_catalogue
)

select * from published
