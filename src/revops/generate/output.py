"""The generated files: one writer per contract table that appends chunks (CSV or Parquet, the contract's
columns in order, written under temporary names and renamed when complete), and the id and money
columns every table shares."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from revops import contract

FILE_FORMATS = ("csv", "parquet")


_ARROW_TYPES = {
    "varchar": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
    "decimal": pa.decimal128(18, 2),
    "double": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}


# Usage units are whole numbers: written as integers in CSV (a double column accepts them).
_WHOLE_NUMBER_COLUMNS = {("usage", "units"), ("invoice_line_items", "quantity")}


class Output:
    """Appends columns to NAME.csv / NAME.parquet for every table of the contract."""

    def __init__(self, out_dir: Path, file_format: str):
        self.out_dir = out_dir
        self.file_format = file_format
        self.tables = contract.tables()
        self.rows = dict.fromkeys(self.tables, 0)
        self._handles: dict[str, object] = {}
        self._writers: dict[str, object] = {}
        self._schemas: dict[str, pa.Schema] = {}
        for name, table in self.tables.items():
            fields = []
            for column in table.columns:
                arrow_type = _ARROW_TYPES[column.data_type]
                if file_format == "csv" and (name, column.name) in _WHOLE_NUMBER_COLUMNS:
                    arrow_type = pa.int64()
                fields.append(pa.field(column.name, arrow_type))
            self._schemas[name] = pa.schema(fields)

    def _temporary(self, name: str) -> Path:
        return self.out_dir / f".{name}.{self.file_format}.tmp"

    def _writer(self, name: str):
        if name not in self._writers:
            schema = self._schemas[name]
            path = self._temporary(name)
            if self.file_format == "csv":
                handle = path.open("wb")
                handle.write((",".join(schema.names) + "\n").encode())
                self._handles[name] = handle
                options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
                self._writers[name] = pa_csv.CSVWriter(handle, schema, write_options=options)
            else:
                self._writers[name] = pq.ParquetWriter(path, schema, compression="zstd")
        return self._writers[name]

    def write(self, name: str, columns: dict[str, object]) -> None:
        schema = self._schemas[name]
        if set(columns) != set(schema.names):
            raise AssertionError(f"{name}: columns {sorted(columns)} differ from the contract")
        arrays = []
        for schema_field in schema:
            values = columns[schema_field.name]
            if isinstance(values, pa.Array | pa.ChunkedArray):
                arrays.append(values.cast(schema_field.type))
            else:
                arrays.append(pa.array(values, type=schema_field.type, from_pandas=True))
        table = pa.Table.from_arrays(arrays, schema=schema)
        if table.num_rows == 0:
            return
        self._writer(name).write_table(table)
        self.rows[name] += table.num_rows

    def write_rows(self, name: str, rows: list[dict[str, object]]) -> None:
        names = self._schemas[name].names
        self.write(name, {column: [row[column] for row in rows] for column in names})

    def close(self) -> None:
        for name in self.tables:
            self._writer(name)  # every table gets a file, even an empty one
        for writer in self._writers.values():
            writer.close()
        for handle in self._handles.values():
            handle.close()
        for name in self.tables:
            for other in FILE_FORMATS:
                (self.out_dir / f"{name}.{other}").unlink(missing_ok=True)
            os.replace(self._temporary(name), self.out_dir / f"{name}.{self.file_format}")

    def abort(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(Exception):  # the original error matters more
                writer.close()
        for handle in self._handles.values():
            handle.close()
        for name in self.tables:
            self._temporary(name).unlink(missing_ok=True)


def text_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, text, "")


def org_ids(numbers) -> pa.Array:
    return text_ids("org_", numbers, 6)


def bc_ids(numbers) -> pa.Array:
    return text_ids("bc_", numbers, 6)


def invoice_ids(numbers) -> pa.Array:
    return text_ids("inv_", numbers, 7)


def money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Exact decimal(18, 2) from integer cents (non-negative), built from the raw 128-bit values."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    if (cents < 0).any():
        raise AssertionError("negative money")
    raw = np.zeros(2 * len(cents), dtype=np.int64)
    raw[0::2] = cents
    validity = None
    if valid is not None:
        validity = pa.array(np.asarray(valid, dtype=bool)).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [validity, pa.py_buffer(raw.tobytes())])


def labels(values: Iterable[str], codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes, dtype=np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(codes, mask=codes < 0))


def to_cents(dollars: float) -> int:
    return round(dollars * 100)


def to_decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(int(cents)).scaleb(-2)


@dataclass
class Counters:
    """The next number of each kind of id, shared across chunks."""

    next: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("org", "bc", "invoice", "line", "sub", "contract", "credit", "refund"), 1
        )
    )

    def take(self, kind: str, count: int) -> int:
        first = self.next[kind]
        self.next[kind] += int(count)
        return first
