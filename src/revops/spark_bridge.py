"""The Spark engine's way into the published DuckDB file, and the comparison of two builds.

`revops run --engine spark` builds and tests the dbt project on Spark (the profile's `spark`
target) with everything Spark writes under one folder of the run (`spark_settings`), then has Spark
write each published table as Parquet (`dbt run-operation export_published_tables`, one folder per
table: pure SQL, written by the executors, so it works on a cluster whose nodes share that folder).
`import_parquet_tables` reads those folders into schema `marts` of the run's private DuckDB build
file, every column cast to its contract type in the contract's order, and `revops.publish` publishes
that file exactly as it publishes a DuckDB build.

`compare_schemas` checks two published files row by row (the equivalence tests and
`scripts/benchmark.py` use it): every column equal, doubles within a tolerance.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from revops import PROJECT_DIR
from revops.compare import table_columns

SCHEMA = "marts"
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}
LOG_CONFIG = PROJECT_DIR / "profiles" / "spark-log4j2.properties"


def spark_settings(spark_dir: Path, *, master: str | None = None, catalog: str | None = None) -> dict[str, str | None]:
    """The environment the profile's `spark` target reads: the run's Spark folder (absolute), the
    master (None: the profile's default, local[*], or REVOPS_SPARK_MASTER as set) and the catalog."""
    settings: dict[str, str | None] = {
        "REVOPS_SPARK_DIR": str(Path(spark_dir).resolve()),
        "REVOPS_SPARK_LOG_CONFIG": str(LOG_CONFIG),
    }
    if master:
        settings["REVOPS_SPARK_MASTER"] = master
    if catalog:
        settings["REVOPS_SPARK_CATALOG"] = catalog
    return settings


@contextlib.contextmanager
def spark_session_scope() -> Iterator[None]:
    """Stops the Spark session dbt-spark started in this process when the block ends, failed or not,
    so the JVM's memory and the run's folder are let go, and a later run in the same process starts
    a session with its own settings (the settings are read when a session starts)."""
    try:
        yield
    finally:
        stop_spark_session()


def stop_spark_session() -> None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return
    # dbt runs statements from its worker threads, where the session is not the thread's active one.
    session = SparkSession._instantiatedSession
    if session is not None:
        session.stop()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_files(folder: Path) -> str:
    """A DuckDB glob of the Parquet files in `folder`, the folder's own path matched literally."""
    literal = str(folder).replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")
    return _quote(literal + "/*.parquet")


def import_parquet_tables(export_dir: Path, build_db: Path, column_types: dict[str, dict[str, str]]) -> dict[str, int]:
    """Create schema marts in `build_db` with one table per folder of `export_dir`.

    `column_types` maps table -> column -> type (the manifest's contracts): every column is cast to
    it, in the contract's order. A table without a contract keeps the Parquet file's columns and
    types. Returns row counts.
    """
    rows: dict[str, int] = {}
    with duckdb.connect(str(build_db)) as connection:
        connection.execute(f"create schema if not exists {SCHEMA}")
        for folder in sorted(Path(export_dir).iterdir()):
            if not folder.is_dir():
                continue
            table = folder.name
            reader = f"read_parquet({_parquet_files(folder)})"
            present = [name for (name, *_rest) in connection.execute(f"describe select * from {reader}").fetchall()]
            types = column_types.get(table) or dict.fromkeys(present)
            select_list = ", ".join(
                f'cast("{name}" as {data_type}) as "{name}"' if data_type else f'"{name}"'
                for name, data_type in types.items()
            )
            connection.execute(f'create or replace table {SCHEMA}."{table}" as select {select_list} from {reader}')
            rows[table] = connection.execute(f'select count(*) from {SCHEMA}."{table}"').fetchone()[0]
        connection.execute("checkpoint")
    return rows


def contract_types(manifest_path: Path) -> dict[str, dict[str, str]]:
    """table -> column -> declared data_type, for the published models with an enforced contract."""
    manifest = json.loads(Path(manifest_path).read_text())
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
    """Every table of schema marts in both files: the same columns and types, the same rows.

    Rows are paired by their order over every column (non-float columns first: they hold each
    table's grain); non-float values must be equal (null equals null), floats within `tolerance`
    (absolute, or relative to the larger magnitude above 1).
    """
    differences: list[Difference] = []
    with duckdb.connect() as connection:
        connection.execute(f"attach {_quote(str(left_db))} as lhs (read_only)")
        connection.execute(f"attach {_quote(str(right_db))} as rhs (read_only)")
        left, right = table_columns(connection, "lhs"), table_columns(connection, "rhs")
        for table in sorted(set(left) | set(right)):
            if table not in left or table not in right:
                differences.append(Difference(table, f"only in {'left' if table in left else 'right'}"))
                continue
            if left[table] != right[table]:
                differences.append(Difference(table, f"columns differ: {left[table]} vs {right[table]}"))
                continue
            differences += _compare_rows(connection, table, left[table], tolerance, examples)
    return differences


def _compare_rows(
    connection: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]], tolerance: float, examples: int
) -> list[Difference]:
    names = [name for name, _ in columns]
    floats = [name for name, data_type in columns if data_type in FLOAT_TYPES]
    counts = [
        connection.execute(f'select count(*) from {side}.{SCHEMA}."{table}"').fetchone()[0] for side in ("lhs", "rhs")
    ]
    if counts[0] != counts[1]:
        return [Difference(table, f"{counts[0]} rows vs {counts[1]}")]
    order = ", ".join(f'"{name}"' for name in [name for name in names if name not in floats] + floats)
    numbered = {
        side: f'select row_number() over (order by {order}) as row_number_, * from {side}.{SCHEMA}."{table}"'
        for side in ("lhs", "rhs")
    }
    differences = []
    for name in names:
        column = f'"{name}"'
        check = (
            f"abs(l.{column} - r.{column}) > {tolerance} * greatest(1, abs(l.{column}), abs(r.{column})) "
            f"or (l.{column} is null) <> (r.{column} is null)"
            if name in floats
            else f"l.{column} is distinct from r.{column}"
        )
        bad = connection.execute(
            f"with l as ({numbered['lhs']}), r as ({numbered['rhs']}) "
            f"select count(*), list(l.{column} order by l.row_number_)[1:{examples}], "
            f"list(r.{column} order by l.row_number_)[1:{examples}] "
            f"from l inner join r using (row_number_) where {check}"
        ).fetchone()
        if bad[0]:
            differences.append(Difference(table, f"column {name}: {bad[0]} rows differ, e.g. {bad[1]} vs {bad[2]}"))
    return differences


def main(argv: list[str] | None = None) -> int:
    """`python -m revops.spark_bridge LEFT.duckdb RIGHT.duckdb`: compare two published files (0: equal)."""
    import argparse

    parser = argparse.ArgumentParser(description="Compare the published marts of two revops files.")
    parser.add_argument("left", type=Path)
    parser.add_argument("right", type=Path)
    arguments = parser.parse_args(argv)
    differences = compare_schemas(arguments.left, arguments.right)
    for difference in differences:
        print(difference)
    if not differences:
        with duckdb.connect(str(arguments.left), read_only=True) as connection:
            names = [
                name
                for (name,) in connection.execute(
                    "select table_name from duckdb_tables() where schema_name = ?", [SCHEMA]
                ).fetchall()
            ]
            rows = sum(connection.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()[0] for name in names)
        print(f"equal: {len(names)} tables of schema {SCHEMA}, {rows:,} rows, every column (doubles within 1e-9)")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
