-- Account allocation checks per customer, as of the reporting month: the annual run rate, whether the
-- account needs a dedicated owner ($20k+ ARR) and has one, whether it pays for every allocation-primary
-- product (a CSM account) or has room to grow (a TAM account), its owner's role and whether the two agree.

with

accounts_allocated as (
    select * from {{ ref('int_accounts_allocated') }}
),

months as (
    select * from {{ ref('int_months') }}
),

reporting_month_accounts as (
    select accounts_allocated.*
    from accounts_allocated
    inner join months
        on accounts_allocated.month = months.month
    where months.is_newest_month
),

published as (
    select
        organization_id,
        month as as_of_month,
        arr_usd,
        needs_dedicated_owner,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(account_segment as {{ dbt.type_string() }}) as account_segment,
        cast(owner_role as {{ dbt.type_string() }}) as owner_role,
        has_owner,
        primary_products_paid,
        cast(primary_products_paid_keys as {{ dbt.type_string() }}) as primary_products_paid_keys,
        is_fully_expanded,
        cast(expected_owner_role as {{ dbt.type_string() }}) as expected_owner_role,
        is_missing_owner,
        is_owner_role_mismatch
    from reporting_month_accounts
)

select * from published
