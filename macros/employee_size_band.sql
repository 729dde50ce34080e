{#-
    The employee-size band of an organization, from its employee count: one band per upper bound of
    var `employee_size_band_upper_bounds` ([10, 50, 200, 1000]: `1-10`, `11-50`, `51-200`,
    `201-1000`), then `1001+` above the last; `unknown` when the count is missing. A count of 0 falls
    in the first band (an organization has at least its founder).
-#}
{% macro employee_size_band(employee_count) -%}
    {%- set upper_bounds = var('employee_size_band_upper_bounds') -%}
    case
        when {{ employee_count }} is null then 'unknown'
        {%- for upper_bound in upper_bounds %}
        when {{ employee_count }} <= {{ upper_bound }}
            then '{{ 1 if loop.first else upper_bounds[loop.index0 - 1] + 1 }}-{{ upper_bound }}'
        {%- endfor %}
        else '{{ upper_bounds[-1] + 1 }}+'
    end
{%- endmacro %}
