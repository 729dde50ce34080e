"""Prototype (issue 12): bring marts built on Spark into a DuckDB build file, and compare two builds.

Spark writes each published table as Parquet (`dbt run-operation export_published_tables`, one
folder per table). `import_parquet_tables` reads those folders into schema `marts` of a private
DuckDB file, casting every column to the type the DuckDB build gives it (the enforced contracts'
types), so the existing `publish.publish` can take that file unchanged. `compare_schemas` checks
two builds row by row: every column exactly, doubles within a tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

SCHEMA = "marts"
# DuckDB type names of the contracts' data types (Spark writes int for integer, string for varchar).
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def import_parquet_tables(export_dir: Path, build_db: Path, column_types: dict[str, dict[str, str]]) -> dict[str, int]:
    """Create schema marts in `build_db` with one table per folder of `export_dir`.

    `column_types` maps table -> column -> DuckDB type (from the manifest's contracts); every
    column is cast to it and the columns keep the contract's order. Returns row counts.
    """
    rows: dict[str, int] = {}
    with duckdb.connect(str(build_db)) as connection:
        connection.execute(f"create schema if not exists {SCHEMA}")
        for folder in sorted(Path(export_dir).iterdir()):
            if not folder.is_dir():
                continue
            table = folder.name
            reader = f"read_parquet({_quote(str(folder / '*.parquet'))})"
            present = [name for (name, *_rest) in connection.execute(f"describe select * from {reader}").fetchall()]
            types = column_types.get(table) or {name: None for name in present}
            select_list = ", ".join(
                f"cast({name} as {data_type}) as {name}" if data_type else name for name, data_type in types.items()
            )
            connection.execute(f"create or replace table {SCHEMA}.{table} as select {select_list} from {reader}")
            rows[table] = connection.execute(f"select count(*) from {SCHEMA}.{table}").fetchone()[0]
        connection.execute("checkpoint")
    return rows


def contract_types(manifest: dict) -> dict[str, dict[str, str]]:
    """table -> column -> declared data_type, for the published models with an enforced contract."""
    found: dict[str, dict[str, str]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != SCHEMA:
            continue
        if not node.get("config", {}).get("contract", {}).get("enforced"):
            continue
        found[node["alias"]] = {name: column.get("data_type") for name, column in node.get("columns", {}).items()}
    return found


@dataclass
class Difference:
    table: str
    what: str

    def __str__(self) -> str:
        return f"{self.table}: {self.what}"


def compare_schemas(left_db: Path, right_db: Path, *, tolerance: float = 1e-9, examples: int = 3) -> list[Difference]:
    """Every table of schema marts in both files: same columns and types, same rows.

    Rows are paired by their order over every column (non-float columns first, which hold each
    table's grain); non-float values must be equal (null equals null), floats within `tolerance`
    (absolute, or relative to the larger magnitude above 1).
    """
    differences: list[Difference] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach {_quote(str(left_db))} as lhs (read_only)")
        connection.execute(f"attach {_quote(str(right_db))} as rhs (read_only)")

        def columns(catalog: str) -> dict[str, list[tuple[str, str]]]:
            found: dict[str, list[tuple[str, str]]] = {}
            for table, column, data_type in connection.execute(
                "select table_name, column_name, data_type from information_schema.columns "
                "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
                [catalog, SCHEMA],
            ).fetchall():
                found.setdefault(table, []).append((column, data_type))
            return found

        left, right = columns("lhs"), columns("rhs")
        for table in sorted(set(left) | set(right)):
            if table not in left or table not in right:
                differences.append(Difference(table, f"only in {'left' if table in left else 'right'}"))
                continue
            if left[table] != right[table]:
                differences.append(Difference(table, f"columns differ: {left[table]} vs {right[table]}"))
                continue
            names = [name for name, _ in left[table]]
            floats = [name for name, data_type in left[table] if data_type in FLOAT_TYPES]
            order = ", ".join([name for name in names if name not in floats] + floats)
            counts = [
                connection.execute(f"select count(*) from {side}.{SCHEMA}.{table}").fetchone()[0]
                for side in ("lhs", "rhs")
            ]
            if counts[0] != counts[1]:
                differences.append(Difference(table, f"{counts[0]} rows vs {counts[1]}"))
                continue
            checks = [
                f"abs(l.{name} - r.{name}) > {tolerance} * greatest(1, abs(l.{name}), abs(r.{name})) "
                f"or (l.{name} is null) <> (r.{name} is null)"
                if name in floats
                else f"l.{name} is distinct from r.{name}"
                for name in names
            ]
            for name, check in zip(names, checks, strict=True):
                bad = connection.execute(
                    f"with l as (select row_number() over (order by {order}) as row_number_, * from lhs.{SCHEMA}.{table}), "
                    f"r as (select row_number() over (order by {order}) as row_number_, * from rhs.{SCHEMA}.{table}) "
                    f"select count(*), list(l.{name} order by l.row_number_)[1:{examples}], "
                    f"list(r.{name} order by l.row_number_)[1:{examples}] "
                    f"from l inner join r using (row_number_) where {check}"
                ).fetchone()
                if bad[0]:
                    differences.append(
                        Difference(table, f"column {name}: {bad[0]} rows differ, e.g. {bad[1]} vs {bad[2]}")
                    )
    return differences
