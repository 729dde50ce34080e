select
    team,
    team_quota_usd,
    attainment_usd,
    attainment_pct,
    ramped_members,
    ramping_members
from marts.team_quota_attainment_quarterly
where quarter = $quarter
order by team
