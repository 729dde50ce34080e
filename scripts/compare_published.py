"""Prove two published files hold the same tables: every table of the `marts` schema, row for row.

    .venv/bin/python scripts/compare_published.py BEFORE.duckdb AFTER.duckdb

For each table it checks the columns (names, order and types) and runs `except all` both ways, so
a row that differs, is missing or is duplicated counts. No tolerance: money to the cent, ratios to
the last digit. Prints one line per table and exits 0 only when every table is identical (used to
show a performance change bought nothing with correctness: docs/performance.md). Spark's build is
compared with DuckDB's, ratios within a tolerance, by `python -m revops.spark_bridge` instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from revops.compare import quoted, rows_apart, table_columns


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def compare(before: Path, after: Path) -> list[str]:
    """One sentence per difference; empty when every marts table is identical."""
    for path in (before, after):
        if not path.is_file():
            return [f"{path} is not a file."]
    connection = duckdb.connect()
    connection.sql(f"attach {_literal(before)} as before (read_only)")
    connection.sql(f"attach {_literal(after)} as after (read_only)")
    left, right = table_columns(connection, "before"), table_columns(connection, "after")
    if not left or not right:
        return [
            f"{path} has no marts tables: is it a published revops file?"
            for path, tables in ((before, left), (after, right))
            if not tables
        ]
    problems = [f"{name}: only in {before}" for name in sorted(set(left) - set(right))]
    problems += [f"{name}: only in {after}" for name in sorted(set(right) - set(left))]
    for name in sorted(set(left) & set(right)):
        if left[name] != right[name]:
            problems.append(f"{name}: the columns differ ({left[name]} against {right[name]})")
            continue
        table = quoted(name)
        rows, missing, extra = rows_apart(connection, f"before.marts.{table}", f"after.marts.{table}")
        print(f"{name}: {rows:,} rows, {missing} only before, {extra} only after")
        if missing or extra:
            problems.append(f"{name}: {missing} rows only in {before}, {extra} only in {after}")
    print(f"{len(set(left) | set(right))} tables compared")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that two published revops files hold identical marts.")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    arguments = parser.parse_args(argv)
    problems = compare(arguments.before, arguments.after)
    for problem in problems:
        print(problem)
    print("identical" if not problems else f"not identical: {len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
