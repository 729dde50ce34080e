"""The report's reads: one `.sql` file per query in `sql/` (plain DuckDB SQL with `$name` parameters, linted
with the project's SQL), run read-only against the published file. The queries select, order and limit
rows of the published tables; every number they return is a column of a mart."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from revops.errors import RevopsError
from revops.publish import PUBLISHED_SCHEMA

SQL_DIR = Path(__file__).with_name("sql")

# The published tables the report reads; a file without one of them is not a complete publish.
REQUIRED_TABLES = (
    "mrr_totals_monthly",
    "revenue_adjustments",
    "revenue_adjustments_monthly",
    "customer_movers_monthly",
    "lifecycle_components_monthly",
    "retention_rolling_monthly",
    "retention_cohorts",
    "tam_quota_attainment_quarterly",
    "team_quota_attainment_quarterly",
    "customers",
)


@cache
def sql(name: str) -> str:
    """The text of `sql/NAME.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def rows(connection: duckdb.DuckDBPyConnection, name: str, **parameters) -> list[dict]:
    """The rows of query `name` as dictionaries, its `$parameters` given by name."""
    cursor = connection.execute(sql(name), parameters)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def open_published(db_path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published file that holds every table the report reads."""
    if not db_path.exists():
        raise RevopsError(f"There is no published database at {db_path}: run `revops run` first.")
    try:
        connection = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise RevopsError(f"{db_path} cannot be opened as a DuckDB database: {error}") from None
    present = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ?", [PUBLISHED_SCHEMA]
        ).fetchall()
    }
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        connection.close()
        raise RevopsError(
            f"{db_path} lacks the published table(s) {', '.join(missing)}: publish it with `revops run` first."
        )
    return connection


def has_build_info(connection: duckdb.DuckDBPyConnection) -> bool:
    (found,) = connection.execute(
        "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'build_info'"
    ).fetchone()
    return bool(found)
