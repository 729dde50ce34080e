"""The input contract, read from the dbt sources YAML so that it is declared once.

`models/staging/*/_*__sources.yml` lists every input table with its columns, types, key,
accepted values, whether the table (or a column) may be absent, and, as column `meta`, the
relationships (`references: TABLE.COLUMN`), ranges (`min`, `max`, `min_exclusive`, `max_exclusive`, `rule`) and
ordered pairs (`not_before: COLUMN`, `not_above: COLUMN`). The validator, the generator and their
tests all take the contract from here.
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
    data_type: str  # varchar (YAML: string or varchar), date, timestamp, decimal, double, integer, bigint, boolean
    nullable: bool = False
    optional: bool = False  # may be missing from the file's header
    personal_data: bool = False
    accepted_values: tuple[str, ...] | None = None
    references: tuple[str, str] | None = None  # (table, column) every value must exist in
    minimum: float | None = None
    maximum: float | None = None
    max_exclusive: bool = False
    min_exclusive: bool = False
    rule: str | None = None  # why the range holds, said in the validator's sentence
    not_before: str | None = None  # a column of the same row this value may not precede
    not_above: str | None = None  # a column of the same row this value may not exceed

    @property
    def has_range(self) -> bool:
        return self.minimum is not None or self.maximum is not None


@dataclass(frozen=True)
class Relationship:
    """Every non-empty `table.column` must be a `parent_column` of `parent` (when `parent` is given)."""

    table: str
    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class OrderedPair:
    """In every row of `table`, `larger` is not smaller than `smaller`; `column` is the one declaring it."""

    table: str
    column: str
    larger: str
    smaller: str

    @property
    def phrase(self) -> str:
        if self.column == self.larger:
            return f"{_a(self.column)} before its {self.smaller}"
        return f"{_a(self.column)} larger than its {self.larger}"


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    required: bool
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    billing_source: str | None = None  # read only when the run's billing source is this one; None: always

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


# `string` is the portable spelling (Spark refuses varchar without a length); both are text.
_DATA_TYPES = {"string": "varchar"}

BILLING_SOURCES = ("billing", "stripe")  # the billing exports a run can read (`--billing-source`)

# What a Stripe product or price may map to besides a catalogue key: prepaid credits (the invoice is a
# credit purchase) or nothing (the amount stays in the invoice's total, in no product).
STRIPE_PRODUCT_KEYS = ("credits", "ignore")


def _accepted_values(column: dict) -> tuple[str, ...] | None:
    for test in column.get("data_tests") or []:
        if isinstance(test, dict) and "accepted_values" in test:
            return tuple(str(value) for value in test["accepted_values"]["arguments"]["values"])
    return None


def _column(column: dict) -> Column:
    meta = column.get("meta") or {}
    references = meta.get("references")
    return Column(
        name=column["name"],
        data_type=_DATA_TYPES.get(column["data_type"], column["data_type"]),
        nullable=bool(meta.get("nullable", False)),
        optional=bool(meta.get("optional", False)),
        personal_data=bool(meta.get("personal_data", False)),
        accepted_values=_accepted_values(column),
        references=tuple(references.split(".", 1)) if references else None,
        minimum=meta.get("min"),
        maximum=meta.get("max"),
        max_exclusive=bool(meta.get("max_exclusive", False)),
        min_exclusive=bool(meta.get("min_exclusive", False)),
        rule=meta.get("rule"),
        not_before=meta.get("not_before"),
        not_above=meta.get("not_above"),
    )


@cache
def all_tables() -> dict[str, Table]:
    """Every input table of every source, whichever billing source it belongs to, by name."""
    found: dict[str, Table] = {}
    for path in SOURCE_FILES:
        for source in yaml.safe_load(path.read_text())["sources"]:
            for table in source["tables"]:
                meta = table.get("meta") or {}
                columns = tuple(_column(column) for column in table["columns"])
                found[table["name"]] = Table(
                    name=table["name"],
                    source=source["name"],
                    required=bool(meta.get("required", False)),
                    key=tuple(meta["key"]),
                    columns=columns,
                    billing_source=meta.get("billing_source"),
                )
    return found


@cache
def tables(billing_source: str = "billing") -> dict[str, Table]:
    """The input tables a run reads when its billing export is `billing_source`, by name."""
    if billing_source not in BILLING_SOURCES:
        raise ValueError(f"unknown billing source {billing_source!r}")
    return {name: table for name, table in all_tables().items() if table.billing_source in (None, billing_source)}


@cache
def relationships(billing_source: str = "billing") -> tuple[Relationship, ...]:
    """Every declared relationship between the tables of `billing_source`'s runs, in contract order."""
    return tuple(
        Relationship(table.name, column.name, *column.references)
        for table in tables(billing_source).values()
        for column in table.columns
        if column.references
    )


def ordered_pairs(table: Table) -> tuple[OrderedPair, ...]:
    """The ordered pairs declared on `table`'s columns, in column order."""
    pairs = []
    for column in table.columns:
        if column.not_before:
            pairs.append(OrderedPair(table.name, column.name, larger=column.name, smaller=column.not_before))
        if column.not_above:
            pairs.append(OrderedPair(table.name, column.name, larger=column.not_above, smaller=column.name))
    return tuple(pairs)


def range_phrase(column: Column) -> str:
    """What a value outside the column's range is, for the validator's sentence."""
    low, high = _plain(column.minimum), _plain(column.maximum)
    if column.maximum is None and column.minimum == 0 and column.min_exclusive:
        phrase = f"{_a(column.name)} of 0 or less"
    elif column.maximum is None and column.minimum == 0:
        phrase = f"a negative {column.name}"
    elif column.maximum is None:
        phrase = f"{_a(column.name)} below {low}"
    elif column.minimum is None:
        phrase = f"{_a(column.name)} {'of' if column.max_exclusive else 'above'} {high}{' or more' if column.max_exclusive else ''}"
    else:
        phrase = f"{_a(column.name)} outside {low} to {high}{' (exclusive)' if column.max_exclusive else ''}"
    return f"{phrase} ({column.rule})" if column.rule else phrase


def _plain(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeio' else 'a'} {word}"


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
