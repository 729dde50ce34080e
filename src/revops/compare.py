"""Comparing the published tables of two DuckDB files attached to one connection.

Used by `scripts/compare_published.py` (exact: a performance change must not move a cent), by
`revops.spark_bridge` (Spark's build against DuckDB's, floats within a tolerance) and by the test
that builds one company from both billing exports.
"""

from __future__ import annotations

import duckdb

MARTS = "marts"


def quoted(name: str) -> str:
    """A SQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def table_columns(
    connection: duckdb.DuckDBPyConnection, catalog: str, schema: str = MARTS
) -> dict[str, list[tuple[str, str]]]:
    """Every table of `catalog`.`schema` with its (column, data type) pairs, in column order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [catalog, schema],
    ).fetchall():
        found.setdefault(table, []).append((column, data_type))
    return found


def rows_apart(connection: duckdb.DuckDBPyConnection, left: str, right: str) -> tuple[int, int, int]:
    """(rows of `left`, rows only in `left`, rows only in `right`) of two tables with the same
    columns: `except all` both ways, so a duplicated row counts."""
    (rows,) = connection.execute(f"select count(*) from {left}").fetchone()
    (only_left,) = connection.execute(
        f"select count(*) from (select * from {left} except all select * from {right})"
    ).fetchone()
    (only_right,) = connection.execute(
        f"select count(*) from (select * from {right} except all select * from {left})"
    ).fetchone()
    return rows, only_left, only_right
