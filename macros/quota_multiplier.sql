{#-
    TAM quota: the multiplier of a month with `count_paid_products` paid products: var
    quota_base_multiplier (0.7) for one, plus var quota_multiplier_per_extra_product (0.2)
    for each one above one; a month with usage but no paid product uses the base.
-#}
{% macro quota_multiplier(count_paid_products) -%}
    cast({{ var('quota_base_multiplier') }} as decimal(9, 4))
    + cast({{ var('quota_multiplier_per_extra_product') }} as decimal(9, 4))
    * case when {{ count_paid_products }} > 1 then {{ count_paid_products }} - 1 else 0 end
{%- endmacro %}
