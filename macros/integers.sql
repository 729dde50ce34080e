{#-
    A derived table of the integers 0 .. 10^digits - 1, one per row in column `n`,
    built from cross-joined digits so that it is portable to every engine.
-#}
{% macro integers(digits=4) -%}
    (
        select
            {% for position in range(digits) -%}
            digit_{{ position }}.n * {{ 10 ** position }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as n
        from
            {% for position in range(digits) -%}
            (
                select 0 as n union all select 1 union all select 2 union all select 3 union all select 4
                union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
            ) as digit_{{ position }}{% if not loop.last %}
            cross join
            {% endif %}
            {%- endfor %}
    )
{%- endmacro %}
