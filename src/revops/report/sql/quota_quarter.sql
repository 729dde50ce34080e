-- The newest complete quarter, or the quarter in progress when none is complete.
select quarter
from marts.tam_quota_attainment_quarterly
order by is_quarter_in_progress asc, quarter desc
limit 1
