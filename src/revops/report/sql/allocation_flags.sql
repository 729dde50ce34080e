select
    organization_id,
    arr_usd,
    owner_id,
    owner_role,
    expected_owner_role,
    primary_products_paid_keys,
    is_missing_owner,
    is_owner_role_mismatch
from marts.account_allocation
where is_missing_owner or is_owner_role_mismatch
order by arr_usd desc, organization_id asc
