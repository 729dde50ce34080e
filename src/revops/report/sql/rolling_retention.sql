select
    month,
    lookback_months,
    ndr,
    gdr,
    is_provisional
from marts.retention_rolling_monthly
order by month, lookback_months
