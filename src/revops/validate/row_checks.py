"""The rules that look at one row at a time, checked by great-expectations on pandas frames streamed
from DuckDB in chunks (filled, type, accepted values, ranges, month and quarter formats, ordered
pairs, the invoice's arithmetic)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from revops import contract
from revops.contract import Column
from revops.validate.inputs import Input
from revops.validate.rules import (
    CHUNK_ROWS,
    CURRENCY_CODE,
    CURRENCY_COLUMNS,
    INVOICE_TOTAL_PARTS,
    MAX_EXAMPLES,
    MONTH_COLUMNS,
    QUARTER_COLUMNS,
    TYPE_WORDS,
)
from revops.validate.sentences import article, row_sentence

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow


@dataclass(frozen=True)
class _Check:
    """One expectation and how to say that it failed."""

    column: str  # the column the sentence names
    phrase: str  # what an offending row has, e.g. "a currency other than usd"
    show: tuple[str, ...]  # text columns shown for each example row
    kind: Any  # the great-expectations Expectation class
    arguments: dict[str, Any]

    def expectation(self, index: int) -> Any:
        return self.kind(**self.arguments, meta={"check": index})

    @property
    def needs(self) -> list[str]:
        """The frame columns the expectation reads."""
        condition = self.arguments.get("row_condition")
        names = [self.arguments.get(name) for name in ("column", "column_A", "column_B")]
        return [name for name in [*names, condition.column.name if condition else None] if name]


@contextlib.contextmanager
def _without_pyspark() -> Iterator[None]:
    """great-expectations imports pyspark when it is installed (the Spark engine's extra) for Spark
    data sources the validator never uses: 1-2 s on every run. While it loads, pyspark reads as not
    installed; afterwards it imports as usual (dbt-spark needs it)."""
    if "pyspark" in sys.modules:
        yield
        return
    sys.modules["pyspark"] = None  # type: ignore[assignment]  # `import pyspark` raises ImportError
    try:
        yield
    finally:
        del sys.modules["pyspark"]


class Expectations:
    """The run's ephemeral great-expectations context: a pandas data source whose one asset takes each
    chunk as a dataframe, and one suite per table.

    Each chunk is validated in two passes: every expectation with the cheapest result format (a
    pass/fail per expectation, about half the cost of a summary), then, only when some failed, those
    again with a summary that counts the offending rows and names a few by `_row`.
    """

    def __init__(self) -> None:
        with _without_pyspark():
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self._context.data_sources.add_pandas("revops_inputs")
        self._batches = source.add_dataframe_asset("chunk").add_batch_definition_whole_dataframe("chunk")

    def check(self, connection: duckdb.DuckDBPyConnection, found: Input) -> list[str]:
        checks = single_row_checks(found)
        if not checks:
            return []
        suite = self._context.suites.add(
            self._gx.ExpectationSuite(
                name=found.name, expectations=[check.expectation(index) for index, check in enumerate(checks)]
            )
        )
        counts = [0] * len(checks)
        rowids: list[list[int]] = [[] for _ in checks]
        details = {
            "result_format": "SUMMARY",
            "unexpected_index_column_names": ["_row"],
            "partial_unexpected_count": MAX_EXAMPLES,
        }
        # Only the columns the expectations read: a typed value rather than its text where that suffices.
        needed = dict.fromkeys(name for check in checks for name in check.needs)
        selected = ", ".join(_frame_column(found, name) for name in needed)
        # A plain scan keeps the file's order (DuckDB preserves insertion order): no sort needed.
        stream = connection.sql(f"select rowid as _row, {selected} from {found.sql_name}").to_arrow_reader()
        for frame in _frames(stream):
            batch = self._batches.get_batch(batch_parameters={"dataframe": frame})
            failed = [_index(result, found) for result in batch.validate(suite, result_format="BOOLEAN_ONLY").results]
            failed = [index for index in failed if index is not None]
            if not failed:
                continue
            recheck = self._gx.ExpectationSuite(
                name=f"{found.name}_failed", expectations=[checks[index].expectation(index) for index in failed]
            )
            for result in batch.validate(recheck, result_format=details).results:
                index = _index(result, found)
                if index is None:
                    continue
                counts[index] += int(result.result.get("unexpected_count") or 0)
                for entry in result.result.get("partial_unexpected_index_list") or []:
                    if len(rowids[index]) < MAX_EXAMPLES:
                        rowids[index].append(int(entry["_row"]))
        return [
            row_sentence(connection, found, check.column, check.phrase, check.show, counts[index], rowids[index])
            for index, check in enumerate(checks)
            if counts[index]
        ]


def _frames(stream: pyarrow.RecordBatchReader) -> Iterator[pd.DataFrame]:
    """The stream as pandas frames of about CHUNK_ROWS rows.

    Through Arrow, text columns become Arrow-backed pandas strings without a copy per value (about
    20 times faster than DuckDB's own `fetch_df_chunk` for text); dates become datetime64.
    """
    import pyarrow

    pending: list[pyarrow.RecordBatch] = []
    for batch in stream:
        pending.append(batch)
        if sum(part.num_rows for part in pending) >= CHUNK_ROWS:
            yield pyarrow.Table.from_batches(pending).to_pandas(date_as_object=False)
            pending = []
    if pending:
        yield pyarrow.Table.from_batches(pending).to_pandas(date_as_object=False)


def _index(result: Any, found: Input) -> int | None:
    """The check a failed expectation result belongs to; None when it passed. An error is a bug."""
    if result.exception_info.get("raised_exception"):
        raise RuntimeError(
            f"great-expectations failed on {found.file}: {result.exception_info.get('exception_message')}"
        )
    return None if result.success else result.expectation_config.meta["check"]


def _value(column: str) -> str:
    return f"{column}__value"


def _frame_column(found: Input, name: str) -> str:
    """SQL for one column of the frames: a text column, its typed value (`C__value`), the day of a month
    column (`C__day`) or the invoice total's parts."""
    if name == "total_usd__cents":
        return 'cast(round(revops_decimal("total_usd"), 2) as double) as total_usd__cents'
    if name == "total_usd__expected":
        subtotal, discount, credit, tax = (f'revops_decimal("{part}")' for part in INVOICE_TOTAL_PARTS)
        return f"cast(round({subtotal} - {discount} - {credit} + {tax}, 2) as double) as total_usd__expected"
    if name.endswith("__day"):
        return f'day(revops_date("{name.removesuffix("__day")}")) as "{name}"'
    if name.endswith("__value"):
        column = found.table.column(name.removesuffix("__value"))
        # A discount's bounds are checked on its exact value (the money parser rounds to the cent).
        parser = "exact" if (found.name, column.name) == ("contracts", "discount") else column.data_type
        value = f'revops_{parser}("{column.name}")'
        # Money as double in the frames (an Arrow decimal would become Python Decimal objects);
        # the sums to the cent are done on decimals in DuckDB.
        return f'cast({value} as double) as "{name}"' if column.data_type == "decimal" else f'{value} as "{name}"'
    return f'"{name}"'


def single_row_checks(found: Input) -> list[_Check]:
    """The single-row rules for the columns the file has, in the order their sentences appear."""
    checks = [
        check
        for column in found.table.columns
        if column.name in found.present
        for check in _column_checks(found, column)
    ]
    return checks + _pair_checks(found)


def _check(named: str, phrase: str, show: tuple[str, ...], kind: Any, **arguments: Any) -> _Check:
    return _Check(column=named, phrase=phrase, show=show, kind=kind, arguments=arguments)


def _column_checks(found: Input, column: Column) -> list[_Check]:
    """Filled and typed, accepted values, range, month and quarter format: one column's rules."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column as Where

    text, value = column.name, _value(column.name)
    # Optional and nullable columns may be empty; key columns are checked with the key, in DuckDB.
    required = not column.nullable and not column.optional and text not in found.table.key
    checks = []
    if column.data_type == "varchar":
        if required:
            checks.append(
                _check(text, f"no {text} (it must be filled)", (), gxe.ExpectColumnValuesToNotBeNull, column=text)
            )
    elif required:
        # One expectation for both rules: the typed value is null when the text is empty or does not parse.
        phrase = f"{article(text)} that is empty or {TYPE_WORDS[column.data_type].removeprefix('is ')}"
        checks.append(_check(text, phrase, (text,), gxe.ExpectColumnValuesToNotBeNull, column=value))
    else:
        phrase = f"{article(text)} that {TYPE_WORDS[column.data_type]}"
        condition = Where(text).is_not_null()
        checks.append(
            _check(text, phrase, (text,), gxe.ExpectColumnValuesToNotBeNull, column=value, row_condition=condition)
        )
    accepted = _accepted_values(found.name, column)
    if accepted:
        values, phrase = accepted
        checks.append(
            _check(text, phrase, (text,), gxe.ExpectColumnValuesToBeInSet, column=text, value_set=list(values))
        )
    if column.has_range:
        bounds = {
            "min_value": column.minimum,
            "max_value": column.maximum,
            "strict_max": column.max_exclusive,
            "strict_min": column.min_exclusive,
        }
        checks.append(
            _check(
                text, contract.range_phrase(column), (text,), gxe.ExpectColumnValuesToBeBetween, column=value, **bounds
            )
        )
    if text in MONTH_COLUMNS.get(found.name, ()):
        # On the day of the typed date (a regular expression on the text runs in Python per row).
        phrase = f"{article(text)} that is not the first day of a month (months are written as 2025-03-01)"
        checks.append(
            _check(text, phrase, (text,), gxe.ExpectColumnValuesToBeInSet, column=f"{text}__day", value_set=[1])
        )
    if text in QUARTER_COLUMNS.get(found.name, ()):
        phrase = f"{article(text)} that is not a calendar quarter written like 2025-Q2"
        regex = r"^\s*\d{4}-Q[1-4]\s*$"
        checks.append(_check(text, phrase, (text,), gxe.ExpectColumnValuesToMatchRegex, column=text, regex=regex))
    if text in CURRENCY_COLUMNS.get(found.name, ()):
        phrase = f"{article(text)} that is not an ISO 4217 code in lower case (such as usd, eur or gbp)"
        checks.append(
            _check(text, phrase, (text,), gxe.ExpectColumnValuesToMatchRegex, column=text, regex=CURRENCY_CODE)
        )
    return checks


def _pair_checks(found: Input) -> list[_Check]:
    """The ordered pairs the contract declares and the invoice's arithmetic: rules over two columns of a row."""
    import great_expectations.expectations as gxe

    checks = [
        _check(
            pair.column,
            pair.phrase,
            (pair.smaller, pair.larger),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB,
            column_A=_value(pair.larger),
            column_B=_value(pair.smaller),
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
        for pair in contract.ordered_pairs(found.table)
        if found.has(pair.larger, pair.smaller)
    ]
    if found.name == "invoices" and found.has("total_usd", *INVOICE_TOTAL_PARTS):
        checks.append(
            _check(
                "total_usd",
                "a total_usd that is not subtotal_usd - discount_usd - credit_applied_usd + tax_usd (to the cent)",
                ("total_usd", *INVOICE_TOTAL_PARTS),
                gxe.ExpectColumnPairValuesToBeEqual,
                column_A="total_usd__cents",
                column_B="total_usd__expected",
                ignore_row_if="either_value_is_missing",
            )
        )
    return checks


def _accepted_values(table: str, column: Column) -> tuple[tuple[str, ...], str] | None:
    """The values a column may take and how to name the rule, or None."""
    if column.name == "product_key" and table == "stripe_mapping":
        keys = (*contract.product_keys(), *contract.STRIPE_PRODUCT_KEYS)
        return keys, "a product_key that is not in the product catalogue, credits or ignore"
    if column.name == "product_key":
        return contract.product_keys(), "a product_key that is not in the product catalogue"
    if column.name == "reason" and table in ("credits", "refunds", "stripe_mapping"):
        reasons = contract.credit_reasons()
        return reasons, f"a reason that is not one of the credit reasons ({', '.join(reasons)})"
    if column.accepted_values:
        values = column.accepted_values
        if len(values) == 1:
            return values, f"{article(column.name)} other than {values[0]}"
        return values, f"{article(column.name)} that is not one of {', '.join(values)}"
    return None
