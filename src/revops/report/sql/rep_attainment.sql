select
    owner_id,
    team,
    ramp_status,
    quota_usd,
    attainment_usd,
    attainment_pct,
    book_accounts,
    commissionable_attainment_usd,
    held_back_attainment_usd,
    released_held_back_attainment_usd,
    commission_basis,
    commission_usd,
    attainment_empty_reason
from marts.tam_quota_attainment_quarterly
where quarter = $quarter
order by attainment_pct desc nulls last, owner_id asc
