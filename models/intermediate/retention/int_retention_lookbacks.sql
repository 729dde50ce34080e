-- Section 5: the lookbacks of rolling retention, one row per value of
-- var retention_lookback_months (3, 6 and 12 months by default).

with

lookbacks as (
    {% for lookback_months in var('retention_lookback_months') -%}
    select cast({{ lookback_months }} as integer) as lookback_months
    {%- if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}
)

select * from lookbacks
