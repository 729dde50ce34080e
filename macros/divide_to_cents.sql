{#-
    numerator / denominator, rounded to the cent half away from zero, exactly.
    DuckDB divides decimals in double precision (0.65 x 0.7 / ... can land a cent
    off), so its version divides integers instead: both operands are scaled to
    integers (they must have at most 6 decimal places and be non-negative, the
    denominator positive) and the rounded quotient is (200 n + d) // (2 d) cents.
-#}
{% macro divide_to_cents(numerator, denominator) -%}
    {{ return(adapter.dispatch('divide_to_cents', 'revops')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__divide_to_cents(numerator, denominator) -%}
    cast(round(({{ numerator }}) / ({{ denominator }}), 2) as decimal(18, 2))
{%- endmacro %}

{% macro duckdb__divide_to_cents(numerator, denominator) -%}
    cast(
        cast(
            (
                200 * cast(cast(({{ numerator }}) as decimal(38, 6)) * 1000000 as hugeint)
                + cast(cast(({{ denominator }}) as decimal(38, 6)) * 1000000 as hugeint)
            ) // (2 * cast(cast(({{ denominator }}) as decimal(38, 6)) * 1000000 as hugeint)) as decimal(38, 0)
        ) * cast(0.01 as decimal(3, 2)) as decimal(18, 2)
    )
{%- endmacro %}

{#-
    Spark: the same integer formula as DuckDB's, in decimal(38, 0) with `div`.
    Spark divides decimals exactly to the result type's scale, but that scale
    depends on spark.sql.decimalOperations.allowPrecisionLoss: with the default
    (true) a product over a sum, such as a x b / c, is cut to 6 decimals and then
    rounded to cents a second time, a cent off in about 1 case in 50,000.
-#}
{% macro spark__divide_to_cents(numerator, denominator) -%}
    cast(
        cast(
            (
                200 * cast(cast(({{ numerator }}) as decimal(38, 6)) * 1000000 as decimal(38, 0))
                + cast(cast(({{ denominator }}) as decimal(38, 6)) * 1000000 as decimal(38, 0))
            ) div (2 * cast(cast(({{ denominator }}) as decimal(38, 6)) * 1000000 as decimal(38, 0))) as decimal(38, 0)
        ) * cast(0.01 as decimal(3, 2)) as decimal(18, 2)
    )
{%- endmacro %}
