"""The input contract, read from the dbt sources YAML so that it is declared once.

`models/staging/*/_*__sources.yml` lists every input table with its columns,
types, key, accepted values and whether the table (or a column) may be absent.
The validator and the generator both take the contract from here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from revops import PROJECT_DIR

SOURCE_FILES = sorted((PROJECT_DIR / "models" / "staging").glob("*/_*__sources.yml"))


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # varchar, date, timestamp, decimal, double, integer, boolean
    nullable: bool = False
    optional: bool = False  # may be missing from the file's header
    personal_data: bool = False
    accepted_values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    required: bool
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _accepted_values(column: dict) -> tuple[str, ...] | None:
    for test in column.get("data_tests") or []:
        if isinstance(test, dict) and "accepted_values" in test:
            return tuple(str(value) for value in test["accepted_values"]["arguments"]["values"])
    return None


@cache
def tables() -> dict[str, Table]:
    """Every input table of the contract, by name."""
    found: dict[str, Table] = {}
    for path in SOURCE_FILES:
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                meta = table.get("meta") or {}
                columns = tuple(
                    Column(
                        name=column["name"],
                        data_type=column["data_type"],
                        nullable=bool((column.get("meta") or {}).get("nullable", False)),
                        optional=bool((column.get("meta") or {}).get("optional", False)),
                        personal_data=bool((column.get("meta") or {}).get("personal_data", False)),
                        accepted_values=_accepted_values(column),
                    )
                    for column in table["columns"]
                )
                found[table["name"]] = Table(
                    name=table["name"],
                    source=source["name"],
                    required=bool(meta.get("required", False)),
                    key=tuple(meta["key"]),
                    columns=columns,
                )
    return found


def _seed(name: str) -> list[dict[str, str]]:
    with Path(PROJECT_DIR / "seeds" / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def product_keys() -> tuple[str, ...]:
    """The product keys of the catalogue seed."""
    return tuple(row["product_key"] for row in _seed("product_catalogue"))


@cache
def primary_quota_products() -> tuple[str, ...]:
    return tuple(row["product_key"] for row in _seed("product_catalogue") if row["is_primary_for_quota"] == "true")


@cache
def credit_reasons() -> tuple[str, ...]:
    """The reasons a credit or refund may carry (the credit_reasons seed)."""
    return tuple(row["reason"] for row in _seed("credit_reasons"))
