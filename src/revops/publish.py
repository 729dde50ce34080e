"""Safe publishing: the published DuckDB file is replaced only by a complete, tested build.

The build happens in a private file beside the destination. Publishing copies the
`marts` schema (and nothing else: no raw input, no personal data) into a new file
written in a storage format DuckDB 1.4+ readers open, adds `meta.build_info`, and
moves it onto the destination with one atomic `os.replace`. A reader that has the
old file open keeps reading the old copy. A new process reads the new one; a new
connection in a process that still has the old file open may keep reading the old
copy (DuckDB shares one open database per path within a process) until every
connection to it there is closed. Until the replace, the destination is never
touched, so a failed or interrupted run leaves it byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from revops import __version__

PUBLISHED_SCHEMA = "marts"
# Readers bundled with dashboard tools are often DuckDB 1.x.
STORAGE_VERSION = "v1.4.0"


def input_files(data_dir: Path) -> list[Path]:
    """The CSV and Parquet files of an input directory, in name order."""
    return [path for path in sorted(Path(data_dir).iterdir()) if path.is_file() and path.suffix in (".csv", ".parquet")]


def input_fingerprint(data_dir: Path) -> str:
    """A SHA-256 over the input files' names and bytes, in name order."""
    digest = hashlib.sha256()
    for path in input_files(data_dir):
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _descriptions(manifest_path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Table and column descriptions of the published models, from dbt's manifest."""
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    found = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("schema") == PUBLISHED_SCHEMA:
            columns = {name: column.get("description", "") for name, column in node.get("columns", {}).items()}
            found[node["name"]] = (node.get("description", ""), columns)
    return found


def publish(
    build_db: Path,
    destination: Path,
    *,
    fingerprint: str,
    manifest_path: Path,
    as_of_month: date | None = None,
    dbt_vars: dict[str, object] | None = None,
) -> dict[str, int]:
    """Copy the published schema of `build_db` into a new file and move it onto `destination`.

    `meta.build_info` records the build time, the input's fingerprint, the as-of month (null when
    the newest month was reported) and the project variables the run overrode (JSON). Returns the
    row count of every published table. The new file is written as `.NAME.publishing-<pid>` beside
    the destination; a run killed before the move leaves it for the next run to remove
    (`revops.workspace`).
    """
    destination = Path(destination).resolve()
    staging_file = destination.with_name(f".{destination.name}.publishing-{os.getpid()}")
    _remove(staging_file)
    try:
        with duckdb.connect() as connection:
            connection.execute(f"attach {_quote(str(build_db))} as build (read_only)")
            connection.execute("use build")
            connection.execute(f"attach {_quote(str(staging_file))} as published (storage_version '{STORAGE_VERSION}')")
            rows = _copy_published_tables(connection, _descriptions(manifest_path))
            connection.execute(
                "create table published.meta.build_info as select "
                "cast(? as timestamp) as built_at, ? as input_fingerprint, ? as revops_version, "
                "? as published_tables, cast(? as date) as as_of_month, ? as dbt_vars",
                [
                    datetime.now(UTC).replace(tzinfo=None),
                    fingerprint,
                    __version__,
                    json.dumps(rows, sort_keys=True),
                    as_of_month,
                    json.dumps(dbt_vars or {}, sort_keys=True),
                ],
            )
            connection.execute("detach published")
        _move_into_place(staging_file, destination)
    finally:
        _remove(staging_file)
    return rows


def _copy_published_tables(
    connection: duckdb.DuckDBPyConnection, descriptions: dict[str, tuple[str, dict[str, str]]]
) -> dict[str, int]:
    """Every table of the build's published schema into the new file, with its comments; rows per table."""
    tables = [
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_catalog = 'build' "
            "and table_schema = ? and table_type = 'BASE TABLE' order by table_name",
            [PUBLISHED_SCHEMA],
        ).fetchall()
    ]
    connection.execute(f"create schema published.{PUBLISHED_SCHEMA}")
    connection.execute("create schema published.meta")
    rows: dict[str, int] = {}
    for table in tables:
        connection.execute(
            f"create table published.{PUBLISHED_SCHEMA}.{table} as select * from build.{PUBLISHED_SCHEMA}.{table}"
        )
        rows[table] = connection.execute(f"select count(*) from published.{PUBLISHED_SCHEMA}.{table}").fetchone()[0]
        description, columns = descriptions.get(table, ("", {}))
        if description:
            connection.execute(
                f"comment on table published.{PUBLISHED_SCHEMA}.{table} is {_quote(description.strip())}"
            )
        for column, text in columns.items():
            if text:
                with contextlib.suppress(duckdb.Error):
                    connection.execute(
                        f"comment on column published.{PUBLISHED_SCHEMA}.{table}.{column} is {_quote(text.strip())}"
                    )
    return rows


def _move_into_place(staging_file: Path, destination: Path) -> None:
    """Durably: the new file's bytes, then the one atomic rename, then the folder entry."""
    with staging_file.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging_file, destination)
    directory = os.open(destination.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove(database: Path) -> None:
    """A DuckDB file and its write-ahead log (left when a write failed)."""
    for path in (database, database.with_name(database.name + ".wal")):
        path.unlink(missing_ok=True)
