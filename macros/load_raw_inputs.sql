{#-
    Loads the input directory into schema `raw`, one text table per source
    table of the `billing` and `crm` sources. A file may be NAME.csv or
    NAME.parquet. An absent file (the validator has already refused an absent
    required one) and an absent optional column become an empty table and a
    null column, so the staging models always see the contract's columns.
    Blank and whitespace-only values become null, as the validator reads them;
    timestamps are read in UTC. Runs as the project's on-run-start hook for `run`
    and `build` only.
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
        {%- set statements = ["set TimeZone = 'UTC'", 'create schema if not exists raw'] -%}
        {%- for source in graph.sources.values() | sort(attribute='name') if source.source_name in ['billing', 'crm'] -%}
            {%- set found = run_query(
                "select file from glob('" ~ data_dir ~ "/" ~ source.name ~ ".csv') "
                ~ "union all select file from glob('" ~ data_dir ~ "/" ~ source.name ~ ".parquet') order by file"
            ) -%}
            {%- if found.rows | length == 0 -%}
                {%- set column_definitions = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- do column_definitions.append(column.name ~ ' varchar') -%}
                {%- endfor -%}
                {%- do statements.append(
                    'create or replace table raw.' ~ source.name ~ ' (' ~ column_definitions | join(', ') ~ ')'
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
                    'create or replace table raw.' ~ source.name ~ ' as select '
                    ~ select_list | join(', ') ~ ' from ' ~ reader
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ statements | join(';\n') }}
    {%- endif -%}
{% endmacro %}
