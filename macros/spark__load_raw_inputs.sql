{#-
    The Spark version of load_raw_inputs (see load_raw_inputs.sql): the same views
    in schema `raw` (the contract's columns, text, blank -> null, an absent
    optional column a null column, an absent file an empty view), read from the
    same exact file paths.

    Under `revops run` it reads the validator's snapshot (env
    REVOPS_INPUT_SNAPSHOT_DIR): NAME.parquet for every source table of the run's
    billing source (var billing_source) and of the CRM, all there. The other
    billing source's tables are empty views in both cases.
    Without it (`dbt build --target spark`), the input directory (var `data_dir`):
    NAME.csv, else NAME.parquet. Spark SQL cannot test whether a file exists, and
    the folder is never listed: each candidate path gets a metadata-only table
    (`using binaryFile` on that one path, content never read), which is empty when
    the file is absent; one query counts them all.

    Each present file becomes an external table in schema `raw_files` (dropping it
    never touches the file). CSV is read with a header, RFC 4180 quotes (a quote
    inside a quoted value is doubled) and values spanning lines, as DuckDB reads
    it. spark.sql() runs one statement at a time, so every statement is run here
    and the hook itself renders nothing.
-#}
{% macro spark__load_raw_inputs() %}
    {%- if execute and flags.WHICH in ['run', 'build'] -%}
        {%- set snapshot_dir = env_var('REVOPS_INPUT_SNAPSHOT_DIR', '') -%}
        {%- set sources = [] -%}
        {%- set read = [] -%}
        {%- for source in graph.sources.values() | sort(attribute='name') if source.source_name in ['billing', 'crm', 'stripe'] -%}
            {%- do sources.append(source) -%}
            {#- Only the run's billing source is read (the validator's snapshot holds only those tables);
                the other billing source's tables are empty views, and their files are not even looked for. -#}
            {%- if source.meta.get('billing_source') in [none, var('billing_source')] -%}
                {%- do read.append(source) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for statement in [
            'drop schema if exists raw cascade', 'drop schema if exists raw_files cascade',
            'create schema raw', 'create schema raw_files'
        ] -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
        {%- if snapshot_dir -%}
            {%- set found = {} -%}
            {%- for source in read -%}
                {%- do found.update({source.name: snapshot_dir ~ '/' ~ source.name ~ '.parquet'}) -%}
            {%- endfor -%}
        {%- else -%}
            {%- set found = spark__find_input_files(var('data_dir'), read) -%}
        {%- endif -%}
        {%- for source in sources -%}
            {%- if source.name not in found -%}
                {%- set null_columns = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- do null_columns.append('cast(null as string) as ' ~ column.name) -%}
                {%- endfor -%}
                {%- do run_query(
                    'create view raw.' ~ source.name ~ ' as select ' ~ null_columns | join(', ') ~ ' where false'
                ) -%}
            {%- else -%}
                {%- set path = found[source.name] -%}
                {%- if path.endswith('.parquet') -%}
                    {%- set using = 'using parquet options (path ' ~ spark__path_literal(path) ~ ')' -%}
                {%- else -%}
                    {%- set using = 'using csv options (path ' ~ spark__path_literal(path)
                        ~ ", header 'true', escape '\"', multiLine 'true')" -%}
                {%- endif -%}
                {%- do run_query('create table raw_files.' ~ source.name ~ ' ' ~ using) -%}
                {%- if snapshot_dir -%}
                    {#- The validator writes every contract column into the snapshot. -#}
                    {%- set present = source.columns.keys() | list -%}
                {%- else -%}
                    {%- set present = run_query('select * from raw_files.' ~ source.name ~ ' limit 0').column_names
                        | map('lower') | list -%}
                {%- endif -%}
                {%- set select_list = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- if column.name in present -%}
                        {%- do select_list.append(
                            'nullif(trim(cast(' ~ adapter.quote(column.name) ~ " as string)), '') as " ~ column.name
                        ) -%}
                    {%- else -%}
                        {%- do select_list.append('cast(null as string) as ' ~ column.name) -%}
                    {%- endif -%}
                {%- endfor -%}
                {%- do run_query(
                    'create view raw.' ~ source.name ~ ' as select ' ~ select_list | join(', ')
                    ~ ' from raw_files.' ~ source.name
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{#- source name -> the path of its input file in `data_dir` (NAME.csv, else NAME.parquet), for the files
    that exist. One metadata-only table per candidate path (empty when the file is absent), one count. -#}
{% macro spark__find_input_files(data_dir, sources) %}
    {%- if data_dir is none or data_dir | trim == '' -%}
        {{ exceptions.raise_compiler_error('The input directory (var data_dir, env REVOPS_DATA_DIR) is empty.') }}
    {%- endif -%}
    {%- if modules.re.search('[][{}*?\\\\]', data_dir) -%}
        {#- Spark expands those in paths; an escaped pattern that matches no file is an error, not an empty table. -#}
        {{ exceptions.raise_compiler_error(
            'Spark reads the input directory ' ~ data_dir ~ ' by exact paths only when its path has none of '
            ~ 'the characters [ ] { } * ? \\: rename or copy the folder, or use revops run --engine spark '
            ~ '(it reads a snapshot of the validated input).'
        ) }}
    {%- endif -%}
    {%- set counts = [] -%}
    {%- for source in sources -%}
        {%- for suffix in ['csv', 'parquet'] -%}
            {%- set probe = 'raw_files.' ~ source.name ~ '__' ~ suffix ~ '_file' -%}
            {%- do run_query(
                'create table ' ~ probe ~ ' using binaryFile options (path '
                ~ spark__path_literal(data_dir ~ '/' ~ source.name ~ '.' ~ suffix) ~ ')'
            ) -%}
            {%- do counts.append(
                "select '" ~ source.name ~ "' as source_name, '" ~ suffix ~ "' as suffix, count(*) as files from " ~ probe
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set found = {} -%}
    {#- csv before parquet: the CSV wins, as on DuckDB (the validator refuses both). -#}
    {%- for row in run_query(counts | join(' union all ') ~ ' order by source_name, suffix').rows if row[2] > 0 -%}
        {%- if row[0] not in found -%}
            {%- do found.update({row[0]: data_dir ~ '/' ~ row[0] ~ '.' ~ row[1]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}

{#- A file path as a Spark SQL string literal naming exactly that file: Spark expands glob patterns in
    paths, so each of [ ] { } * ? \ is escaped with a backslash (Hadoop's glob escape), then the literal's
    own backslashes and quotes are escaped. -#}
{% macro spark__path_literal(path) -%}
    {%- set escaped = modules.re.sub('([][{}*?\\\\])', '\\\\\\1', path) -%}
    '{{ escaped | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}
