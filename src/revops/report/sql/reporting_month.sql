-- The lifecycle tables hold the whole history; the report shows the analysis window, which ends with
-- the reporting month.
select month
from marts.lifecycle_components_monthly
where is_in_analysis_window
order by month desc
limit 1
