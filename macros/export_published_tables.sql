{#-
    Writes every table of the published schema (marts) as Parquet, one folder per
    table under `directory`, for the publisher to read into a private DuckDB file.
    Spark's own tables stay in its warehouse; this copy has a documented layout
    (DIRECTORY/TABLE/part-*.parquet) that does not depend on the table format.
    Run after a successful build: dbt run-operation export_published_tables
    --args '{directory: /path}' --target spark.
-#}
{% macro export_published_tables(directory) %}
    {%- set quoted_directory = directory | replace('\\', '\\\\') | replace("'", "\\'") -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
        if node.resource_type == 'model' and node.schema == 'marts' and node.config.materialized == 'table' -%}
        {%- set relation = api.Relation.create(schema=node.schema, identifier=node.alias, type='table') -%}
        {%- do run_query(
            "insert overwrite directory '" ~ quoted_directory ~ "/" ~ node.alias ~ "' using parquet "
            ~ "select * from " ~ relation
        ) -%}
        {%- do log('exported ' ~ relation, info=true) -%}
    {%- endfor -%}
{% endmacro %}
