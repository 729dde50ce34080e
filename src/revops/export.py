"""Writes every published table to Parquet or CSV files, ordered by its grain, with a manifest.

Each table's grain is declared once, in its model's YAML (`config.meta.grain`, checked against the grain
test by tests_py/test_run.py); the files come out sorted by it, empty values first (a customer's total before
its products, accounts nobody owns before the owned ones). The manifest names the database by its file name
only, so it says nothing about the machine that wrote it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import duckdb
import yaml

from revops import PROJECT_DIR
from revops.errors import RevopsError
from revops.publish import PUBLISHED_SCHEMA

FORMATS = ("parquet", "csv")


def export(db_path: Path, out_dir: Path, formats: tuple[str, ...] = ("parquet",)) -> dict:
    """Export the published tables of `db_path` into `out_dir`; returns the manifest it wrote."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise RevopsError(f"There is no published database at {db_path}: run `revops run` first.")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise RevopsError(f"--out {out_dir} is a file; name a folder to write the tables into.")
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise RevopsError(f"{db_path} cannot be opened as a DuckDB database: {error}") from None
    with connection:
        build = (
            connection.execute("select built_at, input_fingerprint from meta.build_info").fetchone()
            if _has_build_info(connection)
            else (None, None)
        )
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = ? order by table_name",
                [PUBLISHED_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise RevopsError(f"{db_path} has no published tables (schema {PUBLISHED_SCHEMA} is empty).")
        manifest = {
            "database": db_path.name,
            "built_at": build[0].isoformat() if build[0] else None,
            "input_fingerprint": build[1],
            "tables": [],
        }
        for table in tables:
            columns = connection.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [PUBLISHED_SCHEMA, table],
            ).fetchall()
            rows = connection.execute(f"select count(*) from {PUBLISHED_SCHEMA}.{table}").fetchone()[0]
            order_by = table_grains().get(table) or [name for name, _ in columns]
            ordered = ", ".join(f'"{name}" nulls first' for name in order_by)
            files = {}
            for file_format in formats:
                target = out_dir / f"{table}.{file_format}"
                options = "format parquet" if file_format == "parquet" else "format csv, header true"
                path_literal = str(target).replace("'", "''")
                connection.execute(
                    f"copy (select * from {PUBLISHED_SCHEMA}.{table} order by {ordered}) to '{path_literal}' ({options})"
                )
                files[file_format] = target.name
            manifest["tables"].append(
                {
                    "table": table,
                    "rows": rows,
                    "grain": table_grains().get(table),
                    "order_by": order_by,
                    "columns": [{"name": name, "type": data_type} for name, data_type in columns],
                    "files": files,
                }
            )
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _has_build_info(connection) -> bool:
    return bool(
        connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'build_info'"
        ).fetchone()[0]
    )


@cache
def table_grains() -> dict[str, list[str]]:
    """The grain of every model whose YAML declares one (`config.meta.grain`), by model name."""
    grains: dict[str, list[str]] = {}
    for path in sorted((PROJECT_DIR / "models").rglob("_*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            grain = ((model.get("config") or {}).get("meta") or {}).get("grain")
            if grain:
                grains[model["name"]] = list(grain)
    return grains
