"""Check a raw input directory against the input contract before anything is built.

`validate(data_dir)` returns the number of rows of every file it found, or raises one
`InputError` (a `RevopsError`, exit code 2) whose `problems` hold one sentence per problem (all problems found, at most
`MAX_PROBLEMS` sentences), each naming the file, the column, the rule, how many rows break it
and a few of them by line number (header = line 1) and value.

The contract comes from the dbt sources YAML through `revops.contract`, relationships, ranges and
ordered pairs included; the rules that are not in the YAML (formats, arithmetic, plausibility) are
named in `revops.validate.rules`. The checks live beside it: `inputs` (reading the files, the
snapshot), `row_checks` (great-expectations), `table_checks` and `plausibility` (DuckDB).

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

Plausibility (the constants of `revops.validate.rules` name every bound):

- Every number fits the warehouse's types with room for its arithmetic: one amount below
  `MAX_AMOUNT_USD`, a money column's total below `MAX_COLUMN_TOTAL_USD` (so every sum, x 12 and
  / (1 - discount) the models take stays inside `decimal(18, 2)`), usage units below `MAX_UNITS`,
  whole numbers inside the staging models' 32-bit `integer`, contract terms up to 10 years.
- A contract's discount is at most its declared `max` (0.9) and agrees with its price:
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
(`SHORT_CREDIT_PURCHASE_DAYS`) that matches no contract (none buys its account's credits with a term
running at its date, as the models match purchases) is probably a one-off top-up, which the warehouse
counts as recurring revenue.

With `snapshot_dir`, the validated text (trimmed, blanks as null, every contract table and
column, absent ones empty) is written there as one Parquet file per table, and the build reads
that snapshot: what was validated is exactly what is built, even if the files change meanwhile.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from revops import contract
from revops.errors import InputError
from revops.validate.inputs import Input, find_files, load, sql_path, write_snapshot
from revops.validate.plausibility import plausibility_problems, short_credit_purchase_warnings
from revops.validate.row_checks import Expectations
from revops.validate.rules import (
    MAX_PROBLEMS,
    PARSERS,
    PARTIAL_MONTH_MIN_SHARE,
    QUOTA_TABLES,
    RECOGNISED_STATUSES,
    Plausibility,
    add_months,
)
from revops.validate.sentences import capped
from revops.validate.stripe import stripe_problems
from revops.validate.table_checks import cross_table_problems, email_id_problems, key_problems, magnitude_problems

__all__ = [
    "MAX_PROBLEMS",
    "PARTIAL_MONTH_MIN_SHARE",
    "QUOTA_TABLES",
    "RECOGNISED_STATUSES",
    "Plausibility",
    "add_months",
    "sql_path",
    "validate",
]

# Looked up here at each call, so a test can switch one check off.
_key_problems = key_problems
_magnitude_problems = magnitude_problems


def validate(
    data_dir: Path,
    progress: Callable[[str], None] | None = None,
    *,
    plausibility: Plausibility | None = None,
    snapshot_dir: Path | None = None,
    warn: Callable[[str], None] | None = None,
    billing_source: str = "billing",
    duckdb_config: dict[str, str] | None = None,
) -> dict[str, int]:
    """Check every input file of `data_dir`; return the rows per file found, by table name.

    Absent optional tables are left out of the result. Raises `InputError` with one sentence per
    problem when anything breaks the contract. `progress` receives one line per table checked
    (rows and seconds), one when great-expectations is loaded and one for the cross-table checks;
    `warn` one sentence per warning (default: `progress`). `plausibility` defaults to today (UTC)
    without an as-of month. With `snapshot_dir`, the validated input is written there (see above).
    `billing_source` names the billing export read: the project's own files (`billing`) or
    Stripe's tables as Fivetran lands them (`stripe`, checked also by `revops.validate.stripe`).
    `duckdb_config` is the DuckDB connection's configuration (the run's memory limit and spill
    folder; default: a private spill folder and DuckDB's own limit).
    """
    if billing_source not in contract.BILLING_SOURCES:
        raise InputError(f"--billing-source {billing_source} is not one of {', '.join(contract.BILLING_SOURCES)}.")
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError(f"The input directory {data_dir} does not exist.")
    say = progress or (lambda _line: None)
    plausibility = plausibility or Plausibility(today=datetime.now(UTC).date())
    spill = tempfile.TemporaryDirectory(prefix="revops-validate-")
    connection = duckdb.connect(config={"temp_directory": spill.name, **(duckdb_config or {})})
    try:
        connection.execute("set TimeZone = 'UTC'")  # Parquet timestamps with time zone read as UTC text
        for data_type, body in PARSERS.items():
            connection.execute(f"create macro revops_{data_type}(x) as {body}")
        problems, loaded = _check_files(connection, data_dir, say, billing_source)
        started = time.perf_counter()
        problems += cross_table_problems(connection, loaded, billing_source)
        if billing_source == "stripe":
            problems += stripe_problems(connection, loaded, already_wrong=bool(problems))
        problems += plausibility_problems(connection, loaded, plausibility, already_wrong=bool(problems))
        say(f"cross-table checks done in {time.perf_counter() - started:.1f} s")
        if problems:
            raise InputError(capped(problems))
        for sentence in short_credit_purchase_warnings(connection, loaded):
            (warn or say)(sentence)
        if snapshot_dir is not None:
            started = time.perf_counter()
            write_snapshot(connection, loaded, Path(snapshot_dir), billing_source)
            say(f"validated input saved for the build in {time.perf_counter() - started:.1f} s")
    finally:
        connection.close()
        spill.cleanup()
    return {name: found.rows for name, found in loaded.items()}


def _check_files(
    connection: duckdb.DuckDBPyConnection, data_dir: Path, say: Callable[[str], None], billing_source: str
) -> tuple[list[str], dict[str, Input]]:
    """Load every input file and check the rules that look at one file; the problems and the loaded files."""
    problems: list[str] = []
    engine: Expectations | None = None
    loaded: dict[str, Input] = {}
    for name, path in find_files(data_dir, problems, billing_source).items():
        started = time.perf_counter()
        found = load(connection, contract.tables(billing_source)[name], path, problems)
        if found is None:
            continue
        loaded[name] = found
        problems.extend(_key_problems(connection, found))
        if found.rows:
            if engine is None:
                engine_started = time.perf_counter()
                engine = Expectations()
                say(f"great-expectations ready in {time.perf_counter() - engine_started:.1f} s")
                started += time.perf_counter() - engine_started
            problems.extend(engine.check(connection, found))
            problems.extend(_magnitude_problems(connection, found))
            problems.extend(email_id_problems(connection, found))
        rows = f"{found.rows:,} row{'' if found.rows == 1 else 's'}"
        say(f"{found.file}: {rows} checked in {time.perf_counter() - started:.1f} s")
    return problems, loaded
