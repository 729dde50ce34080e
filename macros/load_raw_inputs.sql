{#-
    Points schema `raw` at the input directory: one view per source table of the
    `billing` and `crm` sources over its file, NAME.csv or NAME.parquet, every
    column as text. Nothing is copied: the staging models, tables, read each
    file once as they type it. An absent file (the validator has already refused
    an absent required one) and an absent optional column become an empty view
    and a null column, so the staging models always see the contract's columns.
    Blank and whitespace-only values become null, as the validator reads them;
    timestamps are read in UTC (the profile sets the time zone of every
    connection). Runs as the project's on-run-start hook for `run` and `build` only.
-#}
{% macro load_raw_inputs() %}
    {{ return(adapter.dispatch('load_raw_inputs', 'revops')()) }}
{% endmacro %}

{% macro default__load_raw_inputs() %}
    {{ exceptions.raise_compiler_error(
        "load_raw_inputs has no implementation for the " ~ adapter.type() ~ " adapter: "
        ~ "create the tables of schema raw before running dbt, then set the flag to skip loading."
    ) }}
{% endmacro %}

{% macro duckdb__load_raw_inputs() %}
    {%- if execute and flags.WHICH in ['run', 'build'] -%}
        {%- set data_dir = var('data_dir') | replace("'", "''") -%}
        {#- Views, not tables: a build file that still has tables in `raw` starts a fresh schema. -#}
        {%- set statements = ["set TimeZone = 'UTC'", 'drop schema if exists raw cascade', 'create schema raw'] -%}
        {%- for source in graph.sources.values() | sort(attribute='name') if source.source_name in ['billing', 'crm'] -%}
            {%- set found = run_query(
                "select file from glob('" ~ data_dir ~ "/" ~ source.name ~ ".csv') "
                ~ "union all select file from glob('" ~ data_dir ~ "/" ~ source.name ~ ".parquet') order by file"
            ) -%}
            {%- if found.rows | length == 0 -%}
                {%- set null_columns = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- do null_columns.append('cast(null as varchar) as ' ~ column.name) -%}
                {%- endfor -%}
                {%- do statements.append(
                    'create view raw.' ~ source.name ~ ' as select ' ~ null_columns | join(', ') ~ ' where false'
                ) -%}
            {%- else -%}
                {%- set path = found.rows[0][0] | replace("'", "''") -%}
                {%- if path.endswith('.parquet') -%}
                    {%- set reader = "read_parquet('" ~ path ~ "')" -%}
                {%- else -%}
                    {%- set reader = "read_csv('" ~ path ~ "', header = true, all_varchar = true)" -%}
                {%- endif -%}
                {%- set present = run_query('select * from ' ~ reader ~ ' limit 0').column_names | map('lower') | list -%}
                {%- set select_list = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- if column.name in present -%}
                        {%- do select_list.append("nullif(trim(cast(" ~ adapter.quote(column.name) ~ " as varchar)), '') as " ~ column.name) -%}
                    {%- else -%}
                        {%- do select_list.append('cast(null as varchar) as ' ~ column.name) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do statements.append(
                    'create view raw.' ~ source.name ~ ' as select ' ~ select_list | join(', ') ~ ' from ' ~ reader
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ statements | join(';\n') }}
    {%- endif -%}
{% endmacro %}
