"""Check a raw input directory against the input contract before anything is built.

`validate(data_dir)` returns the number of rows of every file it found, or raises one
`InputError` (a `RevopsError`, exit code 2) whose `problems` hold one sentence per problem (all problems found, at most
`MAX_PROBLEMS` sentences), each naming the file, the column, the rule, how many rows break it
and a few of them by line number (header = line 1) and value.

The contract comes from the dbt sources YAML through `revops.contract`; the rules that are not
in the YAML (ranges, formats, date order, arithmetic, relationships) are listed below as data.

How the work is split:

- DuckDB reads each file once (`read_csv(header = true, all_varchar = true)` or `read_parquet`,
  every column as text, the exact path: see `sql_path`), into an in-memory table of the
  contract's columns in file order, so a row's `rowid` gives its line: `rowid + 2` in a CSV file
  (the file is re-read for the few rows shown only when blank lines or values spanning lines
  shift that), `rowid + 1` as the row of a Parquet file. Values are trimmed; a value that is
  empty or only spaces is null. These tables are what the snapshot for the build holds.
- great-expectations checks the rules that look at one row at a time (filled, type, accepted
  values, ranges, month and quarter formats, column pairs, invoice arithmetic), on pandas frames
  streamed from DuckDB through Arrow in chunks of about half a million rows, holding only the
  columns the rules read: text columns, typed values (DuckDB `try_cast` through the `revops_*`
  parsers below: null where the text does not parse) and a few derived columns. One ephemeral
  context and one suite per table are built per run, not per chunk.
- DuckDB checks what needs a whole table or several: unique keys, orphans, invoice subtotals
  against their lines, refunds against their invoice's products, consolidation cycles, contract
  prices and renewals, and the plausibility rules below.

What each contract `data_type` accepts (surrounding spaces are ignored):

- date: `YYYY-MM-DD`, a real calendar day.
- timestamp: ISO 8601 in UTC, `YYYY-MM-DD`, optionally followed by `T` or a space and
  `HH:MM[:SS[.fraction]]`, optionally ending in `Z`, `+00` or `+00:00` (other offsets are
  refused: the contract asks for UTC).
- decimal (money): a plain decimal number such as `1234.5` or `-0.25`, read as `decimal(18, 2)`
  as the staging models cast it. Lenient: any number of decimals is accepted (rounded to the
  cent, as staging does); no exponent, thousands separator or currency sign.
- double: a number, exponent allowed (`1.5e6`); not nan or infinity.
- integer: a whole number (`12`; `12.0` is accepted, as Parquet floats print it).
- boolean: `true` or `false`, in any case.

Dates and timestamps must also fall in the years 1990 to 2099 (a typo such as 0205 or 2205 for 2025
otherwise goes through and stretches every monthly spine).

Values are compared as the loader will read them: surrounding spaces trimmed, so " inv_1" and
"inv_1" are the same id to the validator and to dbt's tests.

Plausibility (the constants below name every bound):

- Every number fits the warehouse's types with room for its arithmetic: one amount below
  `MAX_AMOUNT_USD`, a money column's total below `MAX_COLUMN_TOTAL_USD` (so every sum, x 12 and
  / (1 - discount) the models take stays inside `decimal(18, 2)`), usage units below `MAX_UNITS`,
  whole numbers inside the staging models' 32-bit `integer`, contract terms up to 10 years.
- A contract's discount is at most `MAX_CONTRACT_DISCOUNT` and agrees with its price:
  price_usd = credit_usd x (1 - discount) to the cent, allowing for the discount's rounding to
  the 6 decimals the warehouse keeps (`credit_usd` x 0.0000005).
- Sums are checked on the file's own values: an invoice's subtotal is the exact sum of its
  lines' amounts, rounded to the cent once (lines may carry fractions of a cent).
- Without `--as-of`, a date that records something that happened (an invoice period's start, a
  usage month, any `created_at`, ...) may not be later than today plus one month (UTC); dates
  that plan ahead (`period_end`, `due_on`, an expiry, a contract start, an end date) may. And the
  newest month's usage invoices must not be fewer than `PARTIAL_MONTH_MIN_SHARE` of the average
  of the (up to three) months with usage invoices before it, a partial export or a mistyped
  date. With `--as-of`, later months are ignored by the build, so neither check applies.
- Ids (`*_id` columns) that look like email addresses are refused as personal data.

Warnings do not stop the run: a credit purchase covering less than a month
(`SHORT_CREDIT_PURCHASE_DAYS`) billed to an account that buys no contract's credits is probably a
one-off top-up, which the warehouse counts as recurring revenue.

With `snapshot_dir`, the validated text (trimmed, blanks as null, every contract table and
column, absent ones empty) is written there as one Parquet file per table, and the build reads
that snapshot: what was validated is exactly what is built, even if the files change meanwhile.
"""

from __future__ import annotations

import calendar
import csv
import difflib
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from revops import contract
from revops.contract import Column, Table
from revops.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow

MAX_PROBLEMS = 50  # sentences listed; one more says how many were left out
MAX_EXAMPLES = 3  # offending rows (or values) shown per problem
CHUNK_ROWS = 500_000  # rows per pandas frame given to great-expectations

# The text -> typed value parsers, one per contract data_type (DuckDB macros `revops_<type>(x)`):
# null when the text is null or does not parse. The regular expressions pin the written form
# (DuckDB's casts alone accept more, such as 2025-3-1 or a +02:00 offset they ignore); dates and
# timestamps must fall in the years 1990 to 2099, so a year typed as 0205 or 2205 does not parse.
YEAR = r"(199\d|20\d\d)"
PARSERS = {
    "date": rf"""case when regexp_full_match(trim(x), '{YEAR}-\d{{2}}-\d{{2}}')
                then try_cast(trim(x) as date) end""",
    "timestamp": rf"""case when regexp_full_match(
                    trim(x), '{YEAR}-\d{{2}}-\d{{2}}([T ]\d{{2}}:\d{{2}}(:\d{{2}}(\.\d{{1,9}})?)?)?(Z|[+-]00(:?00)?)?')
                then try_cast(trim(x) as timestamp) end""",
    "decimal": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)')
                then try_cast(trim(x) as decimal(18, 2)) end""",
    "double": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?')
                and isfinite(try_cast(trim(x) as double)) then try_cast(trim(x) as double) end""",
    "integer": r"""case when regexp_full_match(trim(x), '[+-]?\d+(\.0*)?')
                then try_cast(trim(x) as bigint) end""",
    "boolean": "case lower(trim(x)) when 'true' then true when 'false' then false end",
    # Not contract types: a money text's exact value, for sums checked on the file's own values,
    # and a fraction as the warehouse keeps a contract discount.
    "exact": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)')
                then try_cast(trim(x) as decimal(38, 10)) end""",
    "fraction": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)')
                then try_cast(trim(x) as decimal(9, 6)) end""",
}
TYPE_WORDS = {
    "date": "is not a date (YYYY-MM-DD) in the years 1990 to 2099",
    "timestamp": "is not a UTC timestamp (ISO, such as 2025-03-01T12:00:00Z) in the years 1990 to 2099",
    "decimal": "is not an amount (a plain decimal number such as 1234.50)",
    "double": "is not a number",
    "integer": "is not a whole number",
    "boolean": "is not true or false",
}

# Whose export each source is, for the sentence about a missing required file.
SOURCE_OWNERS = {"billing": "the payment provider's", "crm": "the CRM's"}

# Calendar months are written as their first day; quarters like 2025-Q2.
MONTH_COLUMNS = {
    "credits": ("applies_to_month",),
    "usage": ("usage_month",),
    "organization_consolidations": ("effective_month",),
    "trials": ("start_month", "end_month"),
}
QUARTER_COLUMNS = {"quotas": ("quarter",), "usage_optimizations": ("quarter",)}

# What the warehouse's types and arithmetic hold. Money is decimal(18, 2), below 10^16; the models
# sum amounts over every customer, annualise them (x 12) and undo contract discounts (at most x 10),
# so a money column's total stays 1,000 times below that.
MAX_AMOUNT_USD = 10**12  # one amount: below a trillion
MAX_COLUMN_TOTAL_USD = 10**13  # the sum of a money column's absolute values
MAX_UNITS = 10**15  # usage units and quantities (double precision, exact to the unit when summed)
MAX_INTEGER = 2**31 - 1  # the staging models cast whole numbers to 32-bit integer
MAX_TERM_MONTHS = 120  # contract terms and payment cadences: up to 10 years
# Above 90 %, the annual-plan adjustment (revenue / (1 - discount)) would multiply revenue more than
# tenfold: a discount of 0.9999 would make it 10,000 times what was paid.
MAX_CONTRACT_DISCOUNT = 0.9
DISCOUNT_DECIMALS = 6  # the warehouse keeps a discount as decimal(9, 6)

# Plausibility of dates, without --as-of: nothing recorded later than today plus this many months.
FUTURE_TOLERANCE_MONTHS = 1
# Dates that may lie further ahead, because they plan rather than record.
SCHEDULED_DATE_COLUMNS = {
    ("billing_customers", "startup_credit_expires_on"),
    ("invoices", "period_end"),
    ("invoices", "due_on"),
    ("contracts", "start_date"),
    ("trials", "end_month"),
    ("sales_reps", "role_start_date"),
    ("sales_reps", "end_date"),
    ("account_owners", "start_date"),
    ("account_owners", "end_date"),
    ("opportunities", "closed_on"),
}
# The newest month is refused as partial when its usage invoices are fewer than this share of the
# average of the (up to PARTIAL_MONTH_LOOKBACK) months with usage invoices before it; months that
# average fewer than PARTIAL_MONTH_MIN_INVOICES usage invoices are too small to judge.
PARTIAL_MONTH_MIN_SHARE = 0.5
PARTIAL_MONTH_LOOKBACK = 3
PARTIAL_MONTH_MIN_INVOICES = 20
# The statuses the models recognise as revenue (the dbt var recognised_invoice_statuses).
RECOGNISED_STATUSES = ("open", "paid", "uncollectible")

# A warning: a credit purchase shorter than this (period_end - period_start, in days; February is
# 27 days with an inclusive end) whose account buys no contract's credits.
SHORT_CREDIT_PURCHASE_DAYS = 27

# An id that looks like an email address is personal data.
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"

# Smallest (and largest) values, beyond every *_usd column being zero or more:
# table, column -> (min, max, strict max, what the rule says).
RANGES = {
    ("invoice_line_items", "quantity"): (0, None, False, "a negative quantity (usage units are zero or more)"),
    ("usage", "units"): (0, None, False, "a negative units (usage units are zero or more)"),
    ("contracts", "discount"): (
        0,
        MAX_CONTRACT_DISCOUNT,
        False,
        f"a discount outside 0 to {MAX_CONTRACT_DISCOUNT} (a fraction, 0.2 = 20 %; above "
        f"{MAX_CONTRACT_DISCOUNT * 100:.0f} % the annual-plan adjustment would multiply revenue more than tenfold)",
    ),
    ("contracts", "term_months"): (1, MAX_TERM_MONTHS, False, f"a term_months outside 1 to {MAX_TERM_MONTHS}"),
    ("contracts", "payment_cadence_months"): (
        1,
        MAX_TERM_MONTHS,
        False,
        f"a payment_cadence_months outside 1 to {MAX_TERM_MONTHS}",
    ),
    ("organizations", "employee_count"): (0, None, False, "a negative employee_count"),
}

# Column pairs where the first may not be smaller than the second:
# table -> (column named in the message, larger, smaller, what the rule says).
ORDERED_PAIRS = {
    "invoices": (
        ("period_end", "period_end", "period_start", "a period_end before its period_start"),
        ("amount_paid_usd", "total_usd", "amount_paid_usd", "an amount_paid_usd larger than its total_usd"),
    ),
    "invoice_line_items": (
        ("discount_usd", "amount_usd", "discount_usd", "a discount_usd larger than its amount_usd"),
    ),
    "trials": (("end_month", "end_month", "start_month", "an end_month before its start_month"),),
    "account_owners": (("end_date", "end_date", "start_date", "an end_date before its start_date"),),
    "sales_reps": (("end_date", "end_date", "role_start_date", "an end_date before its role_start_date"),),
    "subscriptions": (("canceled_at", "canceled_at", "started_at", "a canceled_at before its started_at"),),
    "opportunities": (("closed_on", "closed_on", "created_on", "a closed_on before its created_on"),),
}

INVOICE_TOTAL_PARTS = ("subtotal_usd", "discount_usd", "credit_applied_usd", "tax_usd")

# Relationships: (child table, child column, parent table, parent column). Null children are skipped
# (the filled rule reports them); a relationship to an absent optional table is not checked.
FOREIGN_KEYS = (
    ("billing_customers", "organization_id", "organizations", "organization_id"),
    ("invoices", "billing_customer_id", "billing_customers", "billing_customer_id"),
    ("invoice_line_items", "invoice_id", "invoices", "invoice_id"),
    ("credits", "billing_customer_id", "billing_customers", "billing_customer_id"),
    ("refunds", "invoice_id", "invoices", "invoice_id"),
    ("subscriptions", "billing_customer_id", "billing_customers", "billing_customer_id"),
    ("contracts", "organization_id", "organizations", "organization_id"),
    ("contracts", "credits_billing_customer_id", "billing_customers", "billing_customer_id"),
    ("contracts", "usage_billing_customer_id", "billing_customers", "billing_customer_id"),
    ("usage", "organization_id", "organizations", "organization_id"),
    ("organization_consolidations", "organization_id", "organizations", "organization_id"),
    ("organization_consolidations", "parent_organization_id", "organizations", "organization_id"),
    ("trials", "organization_id", "organizations", "organization_id"),
    ("usage_optimizations", "organization_id", "organizations", "organization_id"),
    ("account_owners", "organization_id", "organizations", "organization_id"),
    ("account_owners", "owner_id", "sales_reps", "owner_id"),
    ("quotas", "owner_id", "sales_reps", "owner_id"),
    ("opportunities", "organization_id", "organizations", "organization_id"),
    ("opportunities", "owner_id", "sales_reps", "owner_id"),
    ("contracts", "replaces_contract_id", "contracts", "contract_id"),
)

# Given together or not at all: the TAM quota needs all three.
QUOTA_TABLES = ("sales_reps", "account_owners", "quotas")


@dataclass(frozen=True)
class Plausibility:
    """When the run happens and which month it builds: the bounds of the plausibility rules."""

    today: date  # UTC
    as_of: date | None = None  # the first day of the month --as-of names
    recognised_statuses: tuple[str, ...] = RECOGNISED_STATUSES

    @property
    def horizon(self) -> date:
        """The latest date a record may carry: today plus FUTURE_TOLERANCE_MONTHS (UTC)."""
        return add_months(self.today, FUTURE_TOLERANCE_MONTHS)


def validate(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    *,
    plausibility: Plausibility | None = None,
    snapshot_dir: Path | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Check every input file of `data_dir`; return the rows per file found, by table name.

    Absent optional tables are left out of the result. Raises `InputError` with one sentence per
    problem when anything breaks the contract. `progress` receives one line per table checked
    (rows and seconds), one when great-expectations is loaded and one for the cross-table checks;
    `warn` one sentence per warning (default: `progress`). `plausibility` defaults to today (UTC)
    without an as-of month. With `snapshot_dir`, the validated input is written there (see above).
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"The input directory {data_dir} does not exist.")
    say = progress or (lambda _line: None)
    plausibility = plausibility or Plausibility(today=datetime.now(UTC).date())
    spill = tempfile.TemporaryDirectory(prefix="revops-validate-")
    connection = duckdb.connect(config={"temp_directory": spill.name})
    try:
        connection.execute("set TimeZone = 'UTC'")  # Parquet timestamps with time zone read as UTC text
        for data_type, body in PARSERS.items():
            connection.execute(f"create macro revops_{data_type}(x) as {body}")
        problems, loaded = _check_files(connection, data_dir, say)
        started = time.perf_counter()
        problems += _cross_table_problems(connection, loaded)
        problems += _plausibility_problems(connection, loaded, plausibility, already_wrong=bool(problems))
        say(f"cross-table checks done in {time.perf_counter() - started:.1f} s")
        if problems:
            raise InputError(_capped(problems))
        for sentence in _short_credit_purchase_warnings(connection, loaded):
            (warn or say)(sentence)
        if snapshot_dir is not None:
            started = time.perf_counter()
            _write_snapshot(connection, loaded, Path(snapshot_dir))
            say(f"validated input saved for the build in {time.perf_counter() - started:.1f} s")
    finally:
        connection.close()
        spill.cleanup()
    return {name: found.rows for name, found in loaded.items()}


def _check_files(
    connection: duckdb.DuckDBPyConnection, data_dir: Path, say: Callable[[str], None]
) -> tuple[list[str], dict[str, _Input]]:
    """Load every input file and check the rules that look at one file; the problems and the loaded files."""
    problems: list[str] = []
    engine: _Expectations | None = None
    loaded: dict[str, _Input] = {}
    for name, path in _find_files(data_dir, problems).items():
        started = time.perf_counter()
        found = _load(connection, contract.tables()[name], path, problems)
        if found is None:
            continue
        loaded[name] = found
        problems.extend(_key_problems(connection, found))
        if found.rows:
            if engine is None:
                engine_started = time.perf_counter()
                engine = _Expectations()
                say(f"great-expectations ready in {time.perf_counter() - engine_started:.1f} s")
                started += time.perf_counter() - engine_started
            problems.extend(engine.check(connection, found))
            problems.extend(_magnitude_problems(connection, found))
            problems.extend(_email_id_problems(connection, found))
        rows = f"{found.rows:,} row{'' if found.rows == 1 else 's'}"
        say(f"{found.file}: {rows} checked in {time.perf_counter() - started:.1f} s")
    return problems, loaded


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    left_out = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"... and {left_out} more problems (the first {MAX_PROBLEMS} are listed)."]


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


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


# ---------------------------------------------------------------------------------------------
# Files and columns


@dataclass
class _Input:
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


def _find_files(data_dir: Path, problems: list[str]) -> dict[str, Path]:
    """The file of every contract table present, in contract order; problems for missing ones."""
    expected = {f"{name}.{suffix}" for name in contract.tables() for suffix in ("csv", "parquet")}
    others = sorted(entry.name for entry in data_dir.iterdir() if entry.name not in expected)
    found: dict[str, Path] = {}
    for name, table in contract.tables().items():
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
            f"The quota inputs are incomplete: {_join([found[name].name for name in given])} "
            f"{'is' if len(given) == 1 else 'are'} given but {_join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing (give all of {_join(QUOTA_TABLES)}, or none)."
        )
    return found


def _load(connection: duckdb.DuckDBPyConnection, table: Table, path: Path, problems: list[str]) -> _Input | None:
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
    found = _Input(table=table, path=path, rows=rows, present=present)
    missing = [column.name for column in table.columns if column.name not in present and not column.optional]
    if missing and not present:
        problems.append(
            f"{path.name}: none of the expected columns is in the header (is the header row missing?); "
            f"it needs {_join(missing)}."
        )
    elif missing:
        noun = "column" if len(missing) == 1 else "columns"
        problems.append(f"{path.name}: the file is missing the required {noun} {_join(missing)}.")
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
        shown = f' ("{_clip(original.group(1))}")' if original else ""
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


# ---------------------------------------------------------------------------------------------
# Keys (DuckDB: uniqueness needs the whole table)


def _key_problems(connection: duckdb.DuckDBPyConnection, found: _Input) -> list[str]:
    """Every key column filled, and no key (or key combination) twice."""
    key = found.table.key
    if not key or not found.has(*key) or not found.rows:
        return []
    problems: list[str] = []
    for column in key:
        problems += _sql_rule(
            connection,
            found,
            column,
            f"no {column} (it is {'the' if len(key) == 1 else 'part of the'} key, so it must be filled)",
            f'select rowid from {found.sql_name} where "{column}" is null',
            show=(),
        )
    columns = ", ".join(f'"{column}"' for column in key)
    filled = " and ".join(f'"{column}" is not null' for column in key)
    duplicates = connection.execute(
        f"""
        with repeated as (
            select {columns}, min(rowid) as first_rowid
            from {found.sql_name}
            where {filled}
            group by all
            having count(*) > 1
        ),
        shown as (
            select * from repeated order by first_rowid limit {MAX_EXAMPLES}
        )
        select
            (select count(*) from repeated) as values_repeated,
            {", ".join(f'shown."{column}"' for column in key)},
            list(rows.rowid order by rows.rowid)[1:{MAX_EXAMPLES + 1}]
        from shown
        inner join {found.sql_name} as rows
            on {" and ".join(f'rows."{column}" = shown."{column}"' for column in key)}
        group by {", ".join(f'shown."{column}"' for column in key)}, shown.first_rowid
        order by shown.first_rowid
        """
    ).fetchall()
    if not duplicates:
        return problems
    count = duplicates[0][0]
    examples = []
    for row in duplicates:
        values, rowids = row[1:-1], row[-1]
        numbers = [str(number) for number in found.numbers(rowids[:MAX_EXAMPLES])]
        lines = numbers + (["..."] if len(rowids) > MAX_EXAMPLES else [])
        shown = _quote(values[0]) if len(values) == 1 else "(" + ", ".join(_quote(value) for value in values) + ")"
        examples.append(f"{shown} on {found.unit}s {_join(lines)}")
    if len(key) == 1:
        subject = f"{count:,} {key[0]} {'value appears' if count == 1 else 'values appear'}"
        return [
            *problems,
            f"{found.file}, column {key[0]}: {subject} more than once (must be unique), e.g. {', '.join(examples)}.",
        ]
    subject = f"{count:,} {'combination appears' if count == 1 else 'combinations appear'}"
    return [
        *problems,
        f"{found.file}, columns {', '.join(key)}: {subject} more than once (each combination must be unique), "
        f"e.g. {', '.join(examples)}.",
    ]


# ---------------------------------------------------------------------------------------------
# Single-row rules (great-expectations on chunks streamed from DuckDB)


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


class _Expectations:
    """The run's ephemeral great-expectations context: a pandas data source whose one asset takes each
    chunk as a dataframe, and one suite per table.

    Each chunk is validated in two passes: every expectation with the cheapest result format (a
    pass/fail per expectation, about half the cost of a summary), then, only when some failed, those
    again with a summary that counts the offending rows and names a few by `_row`.
    """

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = self._context.data_sources.add_pandas("revops_inputs")
        self._batches = source.add_dataframe_asset("chunk").add_batch_definition_whole_dataframe("chunk")

    def check(self, connection: duckdb.DuckDBPyConnection, found: _Input) -> list[str]:
        checks = _checks(found)
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
            _row_sentence(connection, found, check.column, check.phrase, check.show, counts[index], rowids[index])
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


def _index(result: Any, found: _Input) -> int | None:
    """The check a failed expectation result belongs to; None when it passed. An error is a bug."""
    if result.exception_info.get("raised_exception"):
        raise RuntimeError(
            f"great-expectations failed on {found.file}: {result.exception_info.get('exception_message')}"
        )
    return None if result.success else result.expectation_config.meta["check"]


def _value(column: str) -> str:
    return f"{column}__value"


def _frame_column(found: _Input, name: str) -> str:
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


def _checks(found: _Input) -> list[_Check]:
    """The single-row rules for the columns the file has, in the order their sentences appear."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column as Where

    checks: list[_Check] = []

    def add(named: str, phrase: str, show: tuple[str, ...], kind: Any, **arguments: Any) -> None:
        checks.append(_Check(column=named, phrase=phrase, show=show, kind=kind, arguments=arguments))

    name = found.name
    for column in found.table.columns:
        if column.name not in found.present:
            continue
        text, value = column.name, _value(column.name)
        # Optional and nullable columns may be empty; key columns are checked with the key, in DuckDB.
        required = not column.nullable and not column.optional and text not in found.table.key
        if column.data_type == "varchar":
            if required:
                phrase = f"no {text} (it must be filled)"
                add(text, phrase, (), gxe.ExpectColumnValuesToNotBeNull, column=text)
        elif required:
            # One expectation for both rules: the typed value is null when the text is empty or does not parse.
            phrase = f"{_a(text)} that is empty or {TYPE_WORDS[column.data_type].removeprefix('is ')}"
            add(text, phrase, (text,), gxe.ExpectColumnValuesToNotBeNull, column=value)
        else:
            add(
                text,
                f"{_a(text)} that {TYPE_WORDS[column.data_type]}",
                (text,),
                gxe.ExpectColumnValuesToNotBeNull,
                column=value,
                row_condition=Where(text).is_not_null(),
            )
        accepted = _accepted_values(name, column)
        if accepted:
            values, phrase = accepted
            add(text, phrase, (text,), gxe.ExpectColumnValuesToBeInSet, column=text, value_set=list(values))
        bounds = RANGES.get((name, text))
        if bounds is None and column.data_type == "decimal" and text.endswith("_usd"):
            bounds = (0, None, False, f"a negative {text} (amounts are zero or more)")
        if bounds:
            low, high, strict_max, phrase = bounds
            add(
                text,
                phrase,
                (text,),
                gxe.ExpectColumnValuesToBeBetween,
                column=value,
                min_value=low,
                max_value=high,
                strict_max=strict_max,
            )
        if text in MONTH_COLUMNS.get(name, ()):
            # On the day of the typed date (a regular expression on the text runs in Python per row).
            add(
                text,
                f"{_a(text)} that is not the first day of a month (months are written as 2025-03-01)",
                (text,),
                gxe.ExpectColumnValuesToBeInSet,
                column=f"{text}__day",
                value_set=[1],
            )
        if text in QUARTER_COLUMNS.get(name, ()):
            add(
                text,
                f"{_a(text)} that is not a calendar quarter written like 2025-Q2",
                (text,),
                gxe.ExpectColumnValuesToMatchRegex,
                column=text,
                regex=r"^\s*\d{4}-Q[1-4]\s*$",
            )
    for named, larger, smaller, phrase in ORDERED_PAIRS.get(name, ()):
        if found.has(larger, smaller):
            add(
                named,
                phrase,
                (smaller, larger),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                column_A=_value(larger),
                column_B=_value(smaller),
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
    if name == "invoices" and found.has("total_usd", *INVOICE_TOTAL_PARTS):
        add(
            "total_usd",
            "a total_usd that is not subtotal_usd - discount_usd - credit_applied_usd + tax_usd (to the cent)",
            ("total_usd", *INVOICE_TOTAL_PARTS),
            gxe.ExpectColumnPairValuesToBeEqual,
            column_A="total_usd__cents",
            column_B="total_usd__expected",
            ignore_row_if="either_value_is_missing",
        )
    return checks


def _accepted_values(table: str, column: Column) -> tuple[tuple[str, ...], str] | None:
    """The values a column may take and how to name the rule, or None."""
    if column.name == "product_key":
        return contract.product_keys(), "a product_key that is not in the product catalogue"
    if column.name == "reason" and table in ("credits", "refunds"):
        reasons = contract.credit_reasons()
        return reasons, f"a reason that is not one of the credit reasons ({', '.join(reasons)})"
    if column.accepted_values:
        values = column.accepted_values
        if len(values) == 1:
            return values, f"{_a(column.name)} other than {values[0]}"
        return values, f"{_a(column.name)} that is not one of {', '.join(values)}"
    return None


# ---------------------------------------------------------------------------------------------
# Rules across tables (DuckDB)


def _cross_table_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, _Input]) -> list[str]:
    problems = _orphan_problems(connection, loaded)
    invoices, lines = loaded.get("invoices"), loaded.get("invoice_line_items")
    if invoices and lines and invoices.has("invoice_id", "subtotal_usd") and lines.has("invoice_id", "amount_usd"):
        problems += _subtotal_problems(connection, invoices, lines)
    refunds = loaded.get("refunds")
    if refunds and lines and refunds.has("invoice_id", "product_key") and lines.has("invoice_id", "product_key"):
        problems += _refunded_product_problems(connection, refunds, lines)
    if refunds and invoices and refunds.has("invoice_id", "amount_usd") and invoices.has("invoice_id", "total_usd"):
        problems += _refunded_amount_problems(connection, refunds, invoices)
    consolidations = loaded.get("organization_consolidations")
    if consolidations and consolidations.has("organization_id", "parent_organization_id"):
        problems += _consolidation_problems(connection, consolidations)
    contracts = loaded.get("contracts")
    if contracts:
        problems += _contract_price_problems(connection, contracts)
        problems += _replaced_contract_problems(connection, contracts)
    return problems


def _orphan_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, _Input]) -> list[str]:
    problems: list[str] = []
    for child, column, parent, parent_column in FOREIGN_KEYS:
        if child in loaded and parent in loaded and loaded[child].has(column) and loaded[parent].has(parent_column):
            found = loaded[child]
            problems += _sql_rule(
                connection,
                found,
                column,
                f"{_a(column)} that is not in {loaded[parent].file}",
                f"""
                select rowid from {found.sql_name} as child
                where "{column}" is not null and not exists (
                    select 1 from {loaded[parent].sql_name} as parent
                    where parent."{parent_column}" = child."{column}"
                )
                """,
                show=(column,),
            )
    return problems


def _subtotal_problems(connection: duckdb.DuckDBPyConnection, invoices: _Input, lines: _Input) -> list[str]:
    """An invoice's subtotal is the exact sum of its lines' amounts as written, rounded to the cent
    once: lines may carry fractions of a cent (0.005 + 0.005 = 0.01), which rounding each line
    first would turn into 0.02."""
    return _sql_rule(
        connection,
        invoices,
        "subtotal_usd",
        f"a subtotal_usd that is not the sum of its lines' amount_usd in {lines.file} (to the cent)",
        f"""
        with line_sums as (
            select invoice_id, sum(revops_exact(amount_usd)) as lines_usd,
                count(revops_decimal(amount_usd)) = count(*) as all_amounts_parse
            from {lines.sql_name}
            where invoice_id is not null
            group by invoice_id
        )
        select invoices.rowid
        from {invoices.sql_name} as invoices
        inner join line_sums on line_sums.invoice_id = invoices.invoice_id
        where line_sums.all_amounts_parse
            and round(revops_exact(invoices.subtotal_usd), 2) <> round(line_sums.lines_usd, 2)
        """,
        show=("invoice_id", "subtotal_usd"),
        extra=(
            "sum of lines",
            # In cents, or with the fraction of a cent the lines carry.
            f"""(select case when lines_usd = round(lines_usd, 2) then cast(cast(lines_usd as decimal(38, 2)) as varchar)
                    else rtrim(cast(lines_usd as varchar), '0') end
                from (select sum(revops_exact(amount_usd)) as lines_usd
                    from {lines.sql_name} as lines where lines.invoice_id = shown.invoice_id))""",
        ),
    )


def _refunded_product_problems(connection: duckdb.DuckDBPyConnection, refunds: _Input, lines: _Input) -> list[str]:
    return _sql_rule(
        connection,
        refunds,
        "product_key",
        f"a product_key that its invoice has no line for in {lines.file}",
        f"""
        select rowid from {refunds.sql_name} as refunds
        where product_key is not null
            and exists (select 1 from {lines.sql_name} as lines where lines.invoice_id = refunds.invoice_id)
            and not exists (
                select 1 from {lines.sql_name} as lines
                where lines.invoice_id = refunds.invoice_id and lines.product_key = refunds.product_key
            )
        """,
        show=("invoice_id", "product_key"),
    )


def _refunded_amount_problems(connection: duckdb.DuckDBPyConnection, refunds: _Input, invoices: _Input) -> list[str]:
    """A refund returns money that was charged: more than the invoice's total would make revenue
    negative. Compared in cents, as the warehouse stores each refund and total."""
    return _sql_rule(
        connection,
        refunds,
        "amount_usd",
        f"an amount_usd that, with the other refunds of its invoice, exceeds the invoice's total_usd in {invoices.file}",
        f"""
        with refunded as (
            select invoice_id, sum(revops_decimal(amount_usd)) as refunded_usd
            from {refunds.sql_name}
            where invoice_id is not null
            group by invoice_id
        )
        select refunds.rowid
        from {refunds.sql_name} as refunds
        inner join refunded on refunded.invoice_id = refunds.invoice_id
        inner join {invoices.sql_name} as invoices on invoices.invoice_id = refunds.invoice_id
        where round(refunded.refunded_usd, 2) > round(revops_decimal(invoices.total_usd), 2)
        """,
        show=("invoice_id", "amount_usd"),
        extra=(
            "invoice total",
            f"""(select min(invoices.total_usd) from {invoices.sql_name} as invoices
                where invoices.invoice_id = shown.invoice_id)""",
        ),
    )


def _contract_price_problems(connection: duckdb.DuckDBPyConnection, contracts: _Input) -> list[str]:
    """price_usd = credit_usd x (1 - discount) to the cent, on the values the warehouse keeps, with
    room for the discount's rounding to DISCOUNT_DECIMALS places (half a unit of its last place,
    times the credit value)."""
    if not contracts.has("price_usd", "credit_usd", "discount"):
        return []
    rounding = f"0.{'0' * (DISCOUNT_DECIMALS - 1)}05"
    return _sql_rule(
        connection,
        contracts,
        "discount",
        "a discount that does not agree with its price_usd and credit_usd "
        f"(price_usd must be credit_usd x (1 - discount) to the cent; give the discount with {DISCOUNT_DECIMALS} decimals)",
        f"""
        with typed as (
            select rowid, revops_decimal(price_usd) as price, revops_decimal(credit_usd) as credit,
                revops_fraction(discount) as discount
            from {contracts.sql_name}
        )
        select rowid from typed
        where abs(price - credit * (1 - discount)) > 0.01 + abs(credit) * {rounding}
        """,
        show=("price_usd", "credit_usd", "discount"),
    )


def _replaced_contract_problems(connection: duckdb.DuckDBPyConnection, contracts: _Input) -> list[str]:
    """An early renewal replaces an earlier contract of the same organization (a contract it names
    that does not exist is an orphan, reported with the relationships)."""
    if not contracts.has("contract_id", "replaces_contract_id", "organization_id", "start_date"):
        return []
    replaced = f"""
        select renewal.rowid, renewal.organization_id as organization, replaced.organization_id as replaced_organization,
            revops_date(renewal.start_date) as starts, revops_date(replaced.start_date) as replaced_starts
        from {contracts.sql_name} as renewal
        inner join {contracts.sql_name} as replaced on replaced.contract_id = renewal.replaces_contract_id
    """
    other = "(select min(organization_id) from {0} as replaced where replaced.contract_id = shown.replaces_contract_id)"
    start = "(select min(start_date) from {0} as replaced where replaced.contract_id = shown.replaces_contract_id)"
    return [
        *_sql_rule(
            connection,
            contracts,
            "replaces_contract_id",
            "a replaces_contract_id that names another organization's contract",
            f"select rowid from ({replaced}) where organization <> replaced_organization",
            show=("contract_id", "organization_id", "replaces_contract_id"),
            extra=("its organization_id", other.format(contracts.sql_name)),
        ),
        *_sql_rule(
            connection,
            contracts,
            "replaces_contract_id",
            "a replaces_contract_id that names a contract that did not start earlier",
            f"select rowid from ({replaced}) where organization = replaced_organization and replaced_starts >= starts",
            show=("contract_id", "start_date", "replaces_contract_id"),
            extra=("its start_date", start.format(contracts.sql_name)),
        ),
    ]


def _consolidation_problems(connection: duckdb.DuckDBPyConnection, found: _Input) -> list[str]:
    problems = _sql_rule(
        connection,
        found,
        "parent_organization_id",
        "an organization that rolls up into itself",
        f"select rowid from {found.sql_name} where organization_id = parent_organization_id",
        show=("organization_id",),
    )
    in_cycles = connection.execute(
        f"""
        with recursive edges as (
            select organization_id as child, parent_organization_id as parent
            from {found.sql_name}
            where organization_id <> parent_organization_id
        ),
        reachable(start, node) as (
            select child, parent from edges
            union
            select reachable.start, edges.parent
            from reachable inner join edges on edges.child = reachable.node
        )
        select start from reachable where node = start order by start
        """
    ).fetchall()
    if not in_cycles:
        return problems
    members = {row[0] for row in in_cycles}
    rows = connection.execute(
        f"""select organization_id, parent_organization_id, rowid from {found.sql_name}
            where organization_id in (select unnest(?)) order by rowid desc""",
        [sorted(members)],
    ).fetchall()
    parents = {child: (parent, rowid) for child, parent, rowid in rows}  # the first row wins if repeated
    examples: list[str] = []
    seen: set[str] = set()
    for start in sorted(members):
        if start in seen or len(examples) == MAX_EXAMPLES:
            continue
        chain = [start]
        while (node := parents[chain[-1]][0]) not in chain and node in parents:
            chain.append(node)
        seen.update(chain)
        lines = found.numbers(sorted(parents[member][1] for member in chain))
        examples.append(
            " -> ".join(_quote(organization) for organization in [*chain, node])
            + f" ({found.unit}s {_join([str(line) for line in lines])})"
        )
    count = len(members)
    subject = "organization is" if count == 1 else "organizations are"
    problems.append(
        f"{found.file}, column parent_organization_id: {count:,} {subject} in a consolidation cycle "
        f"(a chain must end at an organization that rolls up into nothing), e.g. {'; '.join(examples)}."
    )
    return problems


# ---------------------------------------------------------------------------------------------
# Plausibility (DuckDB): what the warehouse's types hold, personal data, dates in the future,
# a partial newest month


def _magnitude_problems(connection: duckdb.DuckDBPyConnection, found: _Input) -> list[str]:
    """Numbers the warehouse's types and sums hold (see the MAX_* constants)."""
    problems: list[str] = []
    for column in found.table.columns:
        if column.name not in found.present:
            continue
        name, value = column.name, f'revops_{column.data_type}("{column.name}")'
        if column.data_type == "decimal" and name.endswith("_usd"):
            limit = f"{MAX_AMOUNT_USD:,}"
            found_large = _sql_rule(
                connection,
                found,
                name,
                f"{_a(name)} of {limit} or more (the warehouse takes amounts below {limit})",
                f"select rowid from {found.sql_name} where abs({value}) >= {MAX_AMOUNT_USD}",
                show=(name,),
            )
            problems += found_large or _column_total_problems(connection, found, name)
        elif column.data_type == "double":
            problems += _sql_rule(
                connection,
                found,
                name,
                f"{_a(name)} of {MAX_UNITS:.0e} or more (the warehouse takes usage units below that)",
                f"select rowid from {found.sql_name} where abs({value}) >= {MAX_UNITS}",
                show=(name,),
            )
        elif column.data_type == "integer":
            problems += _sql_rule(
                connection,
                found,
                name,
                f"{_a(name)} outside -{MAX_INTEGER + 1:,} to {MAX_INTEGER:,} (the warehouse's whole numbers)",
                f"select rowid from {found.sql_name} where abs({value}) > {MAX_INTEGER}",
                show=(name,),
            )
    return problems


def _column_total_problems(connection: duckdb.DuckDBPyConnection, found: _Input, name: str) -> list[str]:
    (total,) = connection.execute(
        f'select sum(abs(cast(revops_decimal("{name}") as double))) from {found.sql_name}'
    ).fetchall()[0]
    if total is None or total < MAX_COLUMN_TOTAL_USD:
        return []
    return [
        f"{found.file}, column {name}: the amounts add up to {total:,.2f}, more than the warehouse can sum "
        f"(it takes a column whose amounts add up to less than {MAX_COLUMN_TOTAL_USD:,})."
    ]


def _email_id_problems(connection: duckdb.DuckDBPyConnection, found: _Input) -> list[str]:
    """Ids are published; an email address is personal data. The lines are shown, not the addresses."""
    problems: list[str] = []
    for name in found.present:
        if name.endswith("_id"):
            problems += _sql_rule(
                connection,
                found,
                name,
                f"{_a(name)} that looks like an email address (personal data cannot be an id: it would be published)",
                f"select rowid from {found.sql_name} where contains(\"{name}\", '@') "
                f"and regexp_full_match(\"{name}\", '{EMAIL}')",
                show=(),
            )
    return problems


def _plausibility_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, _Input], plausibility: Plausibility, already_wrong: bool
) -> list[str]:
    """Dates in the future and a partial newest month, or, with --as-of, a month the data can report."""
    invoices = loaded.get("invoices")
    usable = invoices is not None and invoices.has("invoice_type", "status", "period_start")
    if plausibility.as_of is not None:
        return _as_of_problems(connection, invoices, plausibility) if usable else []
    problems = _future_date_problems(connection, loaded, plausibility.horizon)
    if usable and not problems and not already_wrong:
        problems += _newest_month_problems(connection, invoices, plausibility.recognised_statuses)
    return problems


def _future_date_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, _Input], horizon: date) -> list[str]:
    problems: list[str] = []
    for found in loaded.values():
        for column in found.table.columns:
            if (
                column.data_type not in ("date", "timestamp")
                or column.name not in found.present
                or (found.name, column.name) in SCHEDULED_DATE_COLUMNS
            ):
                continue
            problems += _sql_rule(
                connection,
                found,
                column.name,
                f"{_a(column.name)} later than {horizon} (today plus {FUTURE_TOLERANCE_MONTHS} month, UTC: "
                "a mistyped year? with --as-of, later months are ignored instead)",
                f"""select rowid from {found.sql_name}
                    where cast(revops_{column.data_type}("{column.name}") as date) > date '{horizon}'""",
                show=(column.name,),
            )
    return problems


def _usage_invoices_by_month(
    connection: duckdb.DuckDBPyConnection, invoices: _Input, statuses: Sequence[str]
) -> list[tuple[date, int]]:
    """(month, usage invoices) for the months whose recognised usage invoices start in them, newest first."""
    return [
        (month, count)
        for month, count in connection.execute(
            f"""
            select cast(date_trunc('month', revops_date(period_start)) as date) as month, count(*)
            from {invoices.sql_name}
            where invoice_type = 'usage' and status in (select unnest(?)) and revops_date(period_start) is not null
            group by all
            order by month desc
            """,
            [list(statuses)],
        ).fetchall()
    ]


def _newest_month_problems(
    connection: duckdb.DuckDBPyConnection, invoices: _Input, statuses: Sequence[str]
) -> list[str]:
    """The newest month is the reporting month: refused when it holds only a small share of the
    usage invoices of the months before it, a partial export or a mistyped period_start."""
    months = _usage_invoices_by_month(connection, invoices, statuses)
    where = f"{invoices.file}, column period_start"
    if not months:
        return [
            f"{where}: no usage invoice has the status {_join(list(statuses), 'or')}, so there is no month to report "
            "(the newest month with a usage invoice is the reporting month); pass --as-of YYYY-MM to name it."
        ]
    (newest, count), before = months[0], months[1 : 1 + PARTIAL_MONTH_LOOKBACK]
    if not before:
        return []
    average = sum(number for _, number in before) / len(before)
    if average < PARTIAL_MONTH_MIN_INVOICES or count >= PARTIAL_MONTH_MIN_SHARE * average:
        return []
    shown = _join([f"{number:,} in {month:%Y-%m}" for month, number in before])
    return [
        f"{where}: the newest month, {newest:%Y-%m}, has {count:,} usage invoice{'' if count == 1 else 's'}, "
        f"less than {PARTIAL_MONTH_MIN_SHARE * 100:.0f} % of the {average:,.0f} a month before it ({shown}): "
        f"is the export partial, or a period_start mistyped? Pass --as-of {before[0][0]:%Y-%m} to build "
        f"the last complete month (or --as-of {newest:%Y-%m} to build {newest:%Y-%m} as it is)."
    ]


def _as_of_problems(connection: duckdb.DuckDBPyConnection, invoices: _Input, plausibility: Plausibility) -> list[str]:
    """The as-of month has started and some usage invoice starts on or before it."""
    as_of = plausibility.as_of
    if as_of > plausibility.today.replace(day=1):
        return [
            f"--as-of {as_of:%Y-%m} is after the current month ({plausibility.today:%Y-%m}, UTC): it has no data yet."
        ]
    months = [month for month, _ in _usage_invoices_by_month(connection, invoices, plausibility.recognised_statuses)]
    if months and months[-1] <= as_of:
        return []
    first = f"the first is in {months[-1]:%Y-%m}" if months else "there is none"
    return [
        f"{invoices.file}, column period_start: no usage invoice with the status "
        f"{_join(list(plausibility.recognised_statuses), 'or')} starts on or before --as-of {as_of:%Y-%m} ({first}), "
        "so that month has nothing to report."
    ]


# ---------------------------------------------------------------------------------------------
# Warnings and the snapshot


def _short_credit_purchase_warnings(connection: duckdb.DuckDBPyConnection, loaded: dict[str, _Input]) -> list[str]:
    """A credit purchase covering less than a month, billed to an account that buys no contract's
    credits: probably a one-off top-up, which the warehouse spreads as recurring revenue."""
    invoices, contracts = loaded.get("invoices"), loaded.get("contracts")
    if not invoices or not invoices.has("invoice_type", "period_start", "period_end", "billing_customer_id"):
        return []
    buyers = (
        f"select credits_billing_customer_id from {contracts.sql_name} where credits_billing_customer_id is not null"
        if contracts and contracts.has("credits_billing_customer_id")
        else "select cast(null as varchar) where false"
    )
    where = "contracts.csv" if contracts is None else contracts.file
    return _sql_rule(
        connection,
        invoices,
        "period_end",
        f"a credit_purchase invoice covering less than a month (period_end - period_start under "
        f"{SHORT_CREDIT_PURCHASE_DAYS} days) for a billing customer that is no contract's "
        f"credits_billing_customer_id in {where}: a one-off top-up counts as recurring revenue for its month",
        f"""select rowid from {invoices.sql_name}
            where invoice_type = 'credit_purchase'
                and date_diff('day', revops_date(period_start), revops_date(period_end)) < {SHORT_CREDIT_PURCHASE_DAYS}
                and billing_customer_id not in ({buyers})""",
        show=("invoice_id", "period_start", "period_end"),
    )


def _write_snapshot(connection: duckdb.DuckDBPyConnection, loaded: dict[str, _Input], snapshot_dir: Path) -> None:
    """One Parquet file per contract table in `snapshot_dir`: every contract column as text, an absent
    column as nulls, an absent optional table with no rows. The build reads these files only."""
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    for name, table in contract.tables().items():
        found = loaded.get(name)
        columns = ", ".join(
            f'"{column.name}"'
            if found and column.name in found.present
            else f'cast(null as varchar) as "{column.name}"'
            for column in table.columns
        )
        source = f"from {found.sql_name}" if found else "where false"
        target = "'" + str(snapshot_dir / f"{name}.parquet").replace("'", "''") + "'"
        connection.execute(f"copy (select {columns} {source}) to {target} (format parquet, compression zstd)")


def _sql_rule(
    connection: duckdb.DuckDBPyConnection,
    found: _Input,
    column: str,
    phrase: str,
    offending_rowids_sql: str,
    show: tuple[str, ...],
    extra: tuple[str, str] | None = None,
) -> list[str]:
    """A sentence for the rows whose rowids the query returns, or nothing when it returns none."""
    summary = connection.execute(
        f"""
        with offending as ({offending_rowids_sql})
        select count(*), min(rowid, {MAX_EXAMPLES}) from offending
        """
    ).fetchall()[0]
    if not summary[0]:
        return []
    return [_row_sentence(connection, found, column, phrase, show, summary[0], summary[1], extra)]


# ---------------------------------------------------------------------------------------------
# Sentences


def _row_sentence(
    connection: duckdb.DuckDBPyConnection,
    found: _Input,
    column: str,
    phrase: str,
    show: tuple[str, ...],
    count: int,
    rowids: Sequence[int],
    extra: tuple[str, str] | None = None,
) -> str:
    """'FILE, column C: N rows have PHRASE, e.g. line L: "value".'

    The examples show the text of the `show` columns, and `extra`, a (label, SQL expression over
    the row, aliased `shown`) pair, when given.
    """
    subject = f"{count:,} {'row has' if count == 1 else 'rows have'} {phrase}"
    rowids = sorted(rowids)[:MAX_EXAMPLES]
    numbers = [str(number) for number in found.numbers(rowids)]
    if not show:
        examples = f"{found.unit}{'s' if len(numbers) > 1 else ''} {_join(numbers)}"
    else:
        selected = ", ".join([*(f'"{name}"' for name in show), *([extra[1]] if extra else [])])
        values = {
            row[0]: row[1:]
            for row in connection.execute(
                f"select rowid, {selected} from {found.sql_name} as shown where rowid in (select unnest(?))",
                [list(rowids)],
            ).fetchall()
        }
        labels = [*show, *([extra[0]] if extra else [])]
        shown = []
        for rowid, number in zip(rowids, numbers, strict=True):
            place = f"{found.unit} {number}"
            if len(labels) == 1:
                shown.append(f"{place}: {_quote(values[rowid][0])}")
            else:
                pairs = ", ".join(
                    f"{label} {_quote(value)}" for label, value in zip(labels, values[rowid], strict=True)
                )
                shown.append(f"{place}: {pairs}")
        examples = ("; " if len(labels) > 1 else ", ").join(shown)
    return f"{found.file}, column {column}: {subject}, e.g. {examples}."


def _quote(value: object) -> str:
    return "empty" if value is None else f'"{_clip(str(value))}"'


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeio' else 'a'} {word}"


def _join(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
