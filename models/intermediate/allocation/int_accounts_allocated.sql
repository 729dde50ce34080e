-- Account allocation, per customer and month: whether the account should have a dedicated owner and
-- which role. An account with an annual run rate (12 x adjusted MRR) of `allocation_min_arr_usd` (20k)
-- or more needs a TAM or CSM. One that pays for every allocation-primary product of the catalogue
-- (session replay, feature flags, error tracking), each at `cross_sell_min_mrr_usd` (100) of MRR or more
-- (the handbook's "paying for" a product, as a cross-sell counts as won), is expanded to the max and
-- belongs with a CSM; any other has room to grow and belongs with a TAM. The owner is the account's owner
-- on the month's last day (int_account_owners_assigned_to_months) with its role.

with

mrr_adjusted_monthly as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

product_mrr_adjusted_monthly as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

account_owners_assigned as (
    select * from {{ ref('int_account_owners_assigned_to_months') }}
),

sales_reps as (
    select * from {{ ref('stg_crm__sales_reps') }}
),

primary_products as (
    select product_key
    from product_catalogue
    where is_primary_for_allocation
),

primary_products_counted as (
    select count(*) as primary_products
    from primary_products
),

primary_products_paid as (
    select
        product_mrr_adjusted_monthly.organization_id,
        product_mrr_adjusted_monthly.month,
        count(*) as primary_products_paid,
        {{ dbt.listagg(
            'product_mrr_adjusted_monthly.product_key', "', '", 'order by product_mrr_adjusted_monthly.product_key'
        ) }} as primary_products_paid_keys
    from product_mrr_adjusted_monthly
    inner join primary_products
        on product_mrr_adjusted_monthly.product_key = primary_products.product_key
    where product_mrr_adjusted_monthly.adjusted_mrr_usd >= {{ var('cross_sell_min_mrr_usd') }}
    group by product_mrr_adjusted_monthly.organization_id, product_mrr_adjusted_monthly.month
),

accounts as (
    select
        mrr_adjusted_monthly.organization_id,
        mrr_adjusted_monthly.month,
        {{ mrr_to_arr('mrr_adjusted_monthly.adjusted_mrr_usd') }} as arr_usd,
        coalesce(primary_products_paid.primary_products_paid, 0) as primary_products_paid,
        primary_products_paid.primary_products_paid_keys,
        primary_products_counted.primary_products,
        account_owners_assigned.owner_id,
        account_owners_assigned.account_segment,
        sales_reps.sales_role as owner_role
    from mrr_adjusted_monthly
    cross join primary_products_counted
    left join primary_products_paid
        on
            mrr_adjusted_monthly.organization_id = primary_products_paid.organization_id
            and mrr_adjusted_monthly.month = primary_products_paid.month
    left join account_owners_assigned
        on
            mrr_adjusted_monthly.organization_id = account_owners_assigned.organization_id
            and mrr_adjusted_monthly.month = account_owners_assigned.month
    left join sales_reps
        on account_owners_assigned.owner_id = sales_reps.owner_id
),

allocated as (
    select
        organization_id,
        month,
        arr_usd,
        arr_usd >= {{ var('allocation_min_arr_usd') }} as needs_dedicated_owner,
        owner_id,
        account_segment,
        owner_role,
        owner_id is not null as has_owner,
        cast(primary_products_paid as integer) as primary_products_paid,
        primary_products_paid_keys,
        primary_products_paid = primary_products and primary_products > 0 as is_fully_expanded,
        case
            when arr_usd < {{ var('allocation_min_arr_usd') }} then null
            when primary_products_paid = primary_products and primary_products > 0 then 'CSM'
            else 'TAM'
        end as expected_owner_role
    from accounts
),

flagged as (
    select
        *,
        needs_dedicated_owner and not has_owner as is_missing_owner,
        coalesce(needs_dedicated_owner and has_owner and owner_role <> expected_owner_role, false)
            as is_owner_role_mismatch
    from allocated
)

select * from flagged
