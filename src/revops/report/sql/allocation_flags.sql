select
    allocation.organization_id,
    customers.company_name,
    allocation.arr_usd,
    allocation.owner_id,
    allocation.owner_role,
    allocation.expected_owner_role,
    allocation.primary_products_paid_keys,
    allocation.is_missing_owner,
    allocation.is_owner_role_mismatch
from marts.account_allocation as allocation
left join marts.customers as customers
    on allocation.organization_id = customers.organization_id
where allocation.is_missing_owner or allocation.is_owner_role_mismatch
order by allocation.arr_usd desc, allocation.organization_id asc
