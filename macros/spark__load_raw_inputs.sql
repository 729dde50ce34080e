{#-
    The Spark version of load_raw_inputs (see load_raw_inputs.sql). Spark SQL has no
    glob(): one query over the input directory with the binaryFile source lists its
    files (only the path is read, never the content). Each found file becomes an
    external table in schema `raw_files` (`using csv` with a header, or `using
    parquet`): dropping it never touches the file. Schema `raw` then gets the same
    view per source table as on DuckDB: the contract's columns, text, blank -> null,
    an absent optional column a null column, an absent file an empty view.
    spark.sql() runs one statement at a time, so each statement is run here and the
    hook itself renders nothing.
-#}
{% macro spark__load_raw_inputs() %}
    {%- if execute and flags.WHICH in ['run', 'build'] -%}
        {%- set data_dir = var('data_dir') | replace('`', '``') -%}
        {%- do run_query('drop schema if exists raw cascade') -%}
        {%- do run_query('drop schema if exists raw_files cascade') -%}
        {%- do run_query('create schema raw') -%}
        {%- do run_query('create schema raw_files') -%}
        {%- set listed = run_query(
            "select path from binaryFile.`" ~ data_dir ~ "` "
            ~ "where path rlike '[.](csv|parquet)$' order by path"
        ) -%}
        {%- set files = {} -%}
        {%- for row in listed.rows -%}
            {%- set file_name = row[0].split('/')[-1] -%}
            {%- set stem = file_name.rsplit('.', 1)[0] -%}
            {#- NAME.csv sorts before NAME.parquet: the CSV wins, as on DuckDB. -#}
            {%- if stem not in files -%}
                {%- do files.update({stem: file_name}) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for source in graph.sources.values() | sort(attribute='name') if source.source_name in ['billing', 'crm'] -%}
            {%- if source.name not in files -%}
                {%- set null_columns = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- do null_columns.append('cast(null as string) as ' ~ column.name) -%}
                {%- endfor -%}
                {%- do run_query(
                    'create view raw.' ~ source.name ~ ' as select ' ~ null_columns | join(', ') ~ ' where false'
                ) -%}
            {%- else -%}
                {#- The listed paths are URIs (file:/…, escaped); the table reads the directory as given. -#}
                {%- set path = (var('data_dir') ~ '/' ~ files[source.name]) | replace('\\', '\\\\') | replace("'", "\\'") -%}
                {%- if path.endswith('.parquet') -%}
                    {%- set using = "using parquet options (path '" ~ path ~ "')" -%}
                {%- else -%}
                    {#- RFC 4180 quoting (a quote inside a quoted value is doubled), as DuckDB reads it. -#}
                    {%- set using = "using csv options (path '" ~ path ~ "', header 'true', escape '\"', multiLine 'true')" -%}
                {%- endif -%}
                {%- do run_query('create table raw_files.' ~ source.name ~ ' ' ~ using) -%}
                {%- set present = run_query('select * from raw_files.' ~ source.name ~ ' limit 0').column_names | map('lower') | list -%}
                {%- set select_list = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- if column.name in present -%}
                        {%- do select_list.append("nullif(trim(cast(" ~ adapter.quote(column.name) ~ " as string)), '') as " ~ column.name) -%}
                    {%- else -%}
                        {%- do select_list.append('cast(null as string) as ' ~ column.name) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do run_query(
                    'create view raw.' ~ source.name ~ ' as select ' ~ select_list | join(', ') ~ ' from raw_files.' ~ source.name
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
