-- dbt.concat joins the pieces that are there and skips a null piece, on every engine
-- (DuckDB's concat does; the project's spark__concat does it on Spark, whose own concat
-- would return null), so rule_inputs texts are the same on both. Returns the row when not.

with

joined as (
    select
        {{ dbt.concat(["'a'", 'cast(null as ' ~ dbt.type_string() ~ ')', "'b'"]) }} as with_a_null_piece,
        {{ dbt.concat(['cast(null as ' ~ dbt.type_string() ~ ')']) }} as only_a_null_piece
),

unexpected as (
    select *
    from joined
    where
        with_a_null_piece is null
        or with_a_null_piece <> 'ab'
        or only_a_null_piece is null
        or only_a_null_piece <> ''
)

select * from unexpected
