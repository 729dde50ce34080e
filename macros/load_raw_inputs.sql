{#-
    Points schema `raw` at the input: one view per source table of the `billing`,
    `crm` and `stripe` sources, every column as text (the tables of the billing
    source the run does not read are absent, so empty views). Nothing is copied: the staging
    models, tables, read each file once as they type it.

    `revops run` validates the input first and writes what it validated to a
    private snapshot, one Parquet file per source table of the run's billing
    source with every contract column (env REVOPS_INPUT_SNAPSHOT_DIR names its folder): the build then
    reads exactly the validated values, even if the user's files change
    meanwhile. The snapshot is plain Parquet, so another engine's loader can
    read the same files.

    Without a snapshot (`dbt build` on its own), the views read the input
    directory (var `data_dir`, env REVOPS_DATA_DIR) directly: NAME.csv or
    NAME.parquet, exactly that file (glob characters in the path are escaped,
    so a folder named `in[1]` never reads `in1`). An absent file (the validator
    refuses an absent required one) and an absent optional column become an
    empty view and a null column, so the staging models always see the
    contract's columns. Blank and whitespace-only values become null, as the
    validator reads them; timestamps are read in UTC (the profile sets the time
    zone of every connection). Runs as the project's on-run-start hook for
    `run` and `build` only.
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
        {%- set snapshot_dir = env_var('REVOPS_INPUT_SNAPSHOT_DIR', '') -%}
        {#- Views, not tables: a build file that still has tables in `raw` starts a fresh schema. -#}
        {%- set statements = ["set TimeZone = 'UTC'", 'drop schema if exists raw cascade', 'create schema raw'] -%}
        {%- for source in graph.sources.values() | sort(attribute='name') if source.source_name in ['billing', 'crm', 'stripe'] -%}
            {%- if snapshot_dir -%}
                {%- set candidates = [snapshot_dir ~ '/' ~ source.name ~ '.parquet'] -%}
            {%- else -%}
                {%- set candidates = [var('data_dir') ~ '/' ~ source.name ~ '.csv', var('data_dir') ~ '/' ~ source.name ~ '.parquet'] -%}
            {%- endif -%}
            {#- The snapshot holds only the tables of the run's billing source: the others are empty views. -#}
            {%- set found = [] -%}
            {%- for path in candidates -%}
                {%- if run_query('select file from glob(' ~ duckdb__file_literal(path) ~ ')').rows | length -%}
                    {%- do found.append(path) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if found | length == 0 -%}
                {%- set null_columns = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- do null_columns.append('cast(null as varchar) as ' ~ column.name) -%}
                {%- endfor -%}
                {%- do statements.append(
                    'create view raw.' ~ source.name ~ ' as select ' ~ null_columns | join(', ') ~ ' where false'
                ) -%}
            {%- else -%}
                {%- if found[0].endswith('.parquet') -%}
                    {%- set reader = 'read_parquet(' ~ duckdb__file_literal(found[0]) ~ ')' -%}
                {%- else -%}
                    {%- set reader = 'read_csv(' ~ duckdb__file_literal(found[0]) ~ ', header = true, all_varchar = true)' -%}
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

{#- A file path as a DuckDB string literal naming exactly that file: DuckDB's readers expand glob
    patterns, so each of [ * ? is written as a one-character class ([[]), and ' is doubled. -#}
{% macro duckdb__file_literal(path) -%}
    '{{ path | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]') | replace("'", "''") }}'
{%- endmacro %}
