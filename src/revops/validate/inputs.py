"""Reading the input files into DuckDB as trimmed text, locating rows by line, and the snapshot the
build reads."""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from revops import contract
from revops.contract import Table
from revops.errors import InputError
from revops.validate.rules import QUOTA_TABLES, SOURCE_OWNERS
from revops.validate.sentences import clip, join_words


def sql_path(path: Path) -> str:
    """A file path as a DuckDB string literal that names exactly that file.

    DuckDB's readers expand glob patterns, so a folder named `in[1]` would read `in1`; each of
    `[`, `*` and `?` is written as a one-character class (`[[]`) instead. DuckDB cannot read a path
    that has both a backslash and one of those characters.
    """
    text = str(path)
    if "\\" in text and any(character in text for character in "[*?"):
        raise InputError(
            f"{path} cannot be read: DuckDB cannot open a path with both a backslash and one of [, * or ?; "
            "rename the folder."
        )
    escaped = "".join(f"[{character}]" if character in "[*?" else character for character in text)
    return "'" + escaped.replace("'", "''") + "'"


@dataclass
class Input:
    """One input file loaded into DuckDB table `sql_name`, with the contract columns it has."""

    table: Table
    path: Path
    rows: int
    present: tuple[str, ...]
    _first_lines: dict[int, int] | None = field(default=None, repr=False)
    _exact: bool | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def file(self) -> str:
        return self.path.name

    @property
    def sql_name(self) -> str:
        return f'"input_{self.name}"'

    @property
    def is_csv(self) -> bool:
        return self.path.suffix == ".csv"

    def has(self, *columns: str) -> bool:
        return all(column in self.present for column in columns)

    @property
    def unit(self) -> str:
        """How a row is located: by its line in a CSV file (header = line 1), by number in Parquet."""
        return "line" if self.is_csv else "row"

    def numbers(self, rowids: Sequence[int]) -> list[int]:
        return self.lines(rowids) if self.is_csv else [rowid + 1 for rowid in rowids]

    def lines(self, rowids: Sequence[int]) -> list[int]:
        """The line each row starts on: rowid + 2 unless blank lines or values spanning lines shift it."""
        if self._exact is None:
            self._exact = _count_lines(self.path) == self.rows + 1
        if self._exact:
            return [rowid + 2 for rowid in rowids]
        wanted = set(rowids) - set(self._first_lines or {})
        if wanted:
            self._first_lines = {**(self._first_lines or {}), **_record_lines(self.path, wanted)}
        return [self._first_lines.get(rowid, rowid + 2) for rowid in rowids]


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 24):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _record_lines(path: Path, rowids: set[int]) -> dict[int, int]:
    """The first line of the given data records, counting as DuckDB does (blank lines skipped)."""
    found: dict[int, int] = {}
    last = max(rowids)
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        next(reader, None)  # the header
        previous_end, rowid = reader.line_num, 0
        for record in reader:
            if record:
                if rowid in rowids:
                    found[rowid] = previous_end + 1
                if rowid == last:
                    break
                rowid += 1
            previous_end = reader.line_num
    return found


def find_files(data_dir: Path, problems: list[str], billing_source: str = "billing") -> dict[str, Path]:
    """The file of every contract table present, in contract order; problems for missing ones."""
    tables = contract.tables(billing_source)
    expected = {f"{name}.{suffix}" for name in tables for suffix in ("csv", "parquet")}
    others = sorted(entry.name for entry in data_dir.iterdir() if entry.name not in expected)
    found: dict[str, Path] = {}
    other_mode = _other_billing_source(data_dir, billing_source)
    if other_mode:
        problems.append(
            f"{data_dir} holds {other_mode[1]}'s billing files ({other_mode[2]}) and none of the files this run reads: "
            f"run with --billing-source {other_mode[0]}."
        )
        return found
    for name, table in tables.items():
        paths = [
            data_dir / f"{name}.{suffix}" for suffix in ("csv", "parquet") if (data_dir / f"{name}.{suffix}").is_file()
        ]
        if len(paths) == 2:
            problems.append(f"{name} is given twice, as {name}.csv and {name}.parquet: keep only one of them.")
        elif paths:
            found[name] = paths[0]
        elif table.required:
            owner = SOURCE_OWNERS.get(table.source, f"the {table.source}")
            sentence = f"{name}.csv is missing: it is a required input ({owner} {name.replace('_', ' ')} export)"
            close = difflib.get_close_matches(f"{name}.csv", others, n=1, cutoff=0.75)
            close += difflib.get_close_matches(f"{name}.parquet", others, n=1, cutoff=0.75)
            if close:
                sentence += f"; the directory has {close[0]}, name it {name}.csv or {name}.parquet"
            problems.append(sentence + ".")
    given = [name for name in QUOTA_TABLES if name in found]
    if given and len(given) < len(QUOTA_TABLES):
        missing = [name for name in QUOTA_TABLES if name not in found]
        problems.append(
            f"The quota inputs are incomplete: {join_words([found[name].name for name in given])} "
            f"{'is' if len(given) == 1 else 'are'} given but {join_words(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing (give all of {join_words(QUOTA_TABLES)}, or none)."
        )
    return found


def _other_billing_source(data_dir: Path, billing_source: str) -> tuple[str, str, str] | None:
    """(mode, whose, a file) when the directory has another billing source's required files and none
    of this one's: a run started with the wrong --billing-source."""

    def present(mode: str) -> list[str]:
        return [
            path.name
            for name, table in contract.tables(mode).items()
            if table.billing_source == mode and table.required
            for path in (data_dir / f"{name}.csv", data_dir / f"{name}.parquet")
            if path.is_file()
        ]

    if present(billing_source):
        return None
    for mode in contract.BILLING_SOURCES:
        if mode != billing_source and present(mode):
            whose = "Stripe" if mode == "stripe" else "the payment provider"
            return mode, whose, present(mode)[0]
    return None


def load(connection: duckdb.DuckDBPyConnection, table: Table, path: Path, problems: list[str]) -> Input | None:
    """Read one file into DuckDB as text, keeping the contract's columns; None if it cannot be read."""
    if path.suffix == ".csv":
        if path.stat().st_size == 0:
            problems.append(f"{path.name} is empty: it needs at least a header row naming its columns.")
            return None
        reader = f"read_csv({sql_path(path)}, header = true, all_varchar = true)"
    else:
        reader = f"read_parquet({sql_path(path)})"
    try:
        header = connection.sql(f"select * from {reader}").columns
        by_lower = {column.lower(): column for column in header}
        present = tuple(column.name for column in table.columns if column.name in by_lower)
        # Trimmed, blank as null: the values the build reads from the snapshot.
        select_list = [f'nullif(trim(cast("{by_lower[name]}" as varchar)), \'\') as "{name}"' for name in present]
        if not select_list:
            select_list = ["null as no_contract_column"]
        connection.execute(
            f'create or replace table "input_{table.name}" as select {", ".join(select_list)} from {reader}'
        )
    except duckdb.Error as error:
        problems.append(f"{path.name} cannot be read: {_read_error(error, path)}.")
        return None
    # Every result is fetched in full: DuckDB 2.0 blocks the connection behind an undrained one.
    rows = connection.execute(f'select count(*) from "input_{table.name}"').fetchall()[0][0]
    found = Input(table=table, path=path, rows=rows, present=present)
    missing = [column.name for column in table.columns if column.name not in present and not column.optional]
    if missing and not present:
        problems.append(
            f"{path.name}: none of the expected columns is in the header (is the header row missing?); "
            f"it needs {join_words(missing)}."
        )
    elif missing:
        noun = "column" if len(missing) == 1 else "columns"
        problems.append(f"{path.name}: the file is missing the required {noun} {join_words(missing)}.")
    if rows == 0 and table.required:
        problems.append(f"{path.name} has no rows: it is a required input and cannot be empty.")
    return found


def _read_error(error: duckdb.Error, path: Path) -> str:
    text = str(error)
    kind = "CSV" if path.suffix == ".csv" else "Parquet"
    if "utf-8" in text.lower() or "unicode" in text.lower():
        return "it is not UTF-8 text"
    if "sniffing" in text or "detect the CSV" in text:
        return "DuckDB could not work out its CSV layout (are rows of different lengths or is it not CSV?)"
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if line:
        original = re.search(r"Original Line: (.*)", text)
        shown = f' ("{clip(original.group(1))}")' if original else ""
        fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        if fields:
            reason = f"it has {fields.group(2)} fields where the header has {fields.group(1)}"
        else:
            details = [part for part in text.splitlines()[1:4] if part and not part.startswith("Original Line")]
            reason = details[0] if details else "it does not fit the header"
        return f"line {line.group(1)}{shown} is not valid {kind}: {reason}"
    if "Parquet" in text or "magic" in text.lower():
        return "it is not a Parquet file"
    first = text.splitlines()[0] if text else type(error).__name__
    return f"it is not valid {kind} ({first.split(': ', 1)[-1]})"


def write_snapshot(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], snapshot_dir: Path, billing_source: str = "billing"
) -> None:
    """One Parquet file per contract table of the run's billing source in `snapshot_dir`: every
    contract column as text, an absent column as nulls, an absent optional table with no rows. The
    build reads these files only (the other billing source's tables are empty views)."""
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    for name, table in contract.tables(billing_source).items():
        found = loaded.get(name)
        columns = ", ".join(
            f'"{column.name}"'
            if found and column.name in found.present
            else f'cast(null as varchar) as "{column.name}"'
            for column in table.columns
        )
        source = f"from {found.sql_name}" if found else "where false"
        target = "'" + str(snapshot_dir / f"{name}.parquet").replace("'", "''") + "'"
        # lz4: a third less CPU than zstd to write and read back, and the files live for one run only.
        connection.execute(f"copy (select {columns} {source}) to {target} (format parquet, compression lz4)")
