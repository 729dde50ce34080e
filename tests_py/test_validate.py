"""revops.validate: the hand-written valid inputs pass, and each rule, broken once, is reported.

Every corruption test changes exactly one thing in a fresh copy of the valid directory (the
`valid_inputs` fixture of conftest.py) and asserts that one problem sentence names the file, the
column (where there is one) and the offending value or line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from revops import contract
from revops.errors import RevopsError
from revops.validate import FOREIGN_KEYS, MAX_PROBLEMS, QUOTA_TABLES, validate

# ---------------------------------------------------------------------------------------------
# Helpers that edit one file of an input directory


def read(directory: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (directory / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write(directory: Path, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with (directory / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def set_value(directory: Path, table: str, line: int, column: str, value: str) -> None:
    """Set one cell; `line` counts as in the file (header = line 1)."""
    header, rows = read(directory, table)
    rows[line - 2][column] = value
    write(directory, table, header, rows)


def setter(table: str, line: int, column: str, value: str) -> tuple[str, Callable[[Path], None]]:
    return table, lambda directory: set_value(directory, table, line, column, value)


def add_row(table: str, **values: str) -> tuple[str, Callable[[Path], None]]:
    def edit(directory: Path) -> None:
        header, rows = read(directory, table)
        write(directory, table, header, [*rows, {column: values.get(column, "") for column in header}])

    return table, edit


def append_lines(directory: Path, table: str, *lines: str) -> None:
    with (directory / f"{table}.csv").open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in lines))


def drop_column(directory: Path, table: str, column: str) -> None:
    header, rows = read(directory, table)
    write(directory, table, [name for name in header if name != column], rows)


def to_parquet(directory: Path, table: str, typed: bool = False) -> None:
    """Replace NAME.csv by NAME.parquet: every column as text, or with the types DuckDB detects."""
    source = directory / f"{table}.csv"
    options = "" if typed else ", all_varchar = true"
    duckdb.sql(
        f"copy (select * from read_csv('{source}', header = true{options})) "
        f"to '{directory / f'{table}.parquet'}' (format parquet)"
    )
    source.unlink()


def drop_unrelated_tables(directory: Path, table: str) -> None:
    """Remove the optional tables `table` does not refer to: the directory stays valid, the run is faster."""
    needed = {table} | {parent for child, _, parent, _ in FOREIGN_KEYS if child == table}
    if needed & set(QUOTA_TABLES):
        needed |= set(QUOTA_TABLES)
    for name, contract_table in contract.tables().items():
        if not contract_table.required and name not in needed:
            (directory / f"{name}.csv").unlink()


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(RevopsError) as caught:
        validate(directory)
    return caught.value.problems


def assert_reported(directory: Path, *fragments: str) -> str:
    """Validation fails with a sentence containing every fragment; returns that sentence."""
    problems = problems_of(directory)
    matching = [problem for problem in problems if all(fragment in problem for fragment in fragments)]
    assert matching, f"no problem mentions {fragments}; got:\n" + "\n".join(problems)
    return matching[0]


# ---------------------------------------------------------------------------------------------
# Valid inputs


def test_valid_inputs_pass_and_report_progress(valid_inputs: Path) -> None:
    lines: list[str] = []
    rows = validate(valid_inputs, progress=lines.append)
    assert rows["invoices"] == 7
    assert rows["invoice_line_items"] == 7
    assert set(rows) == set(contract.tables())
    assert any(line.startswith("invoices.csv: 7 rows checked in ") for line in lines), lines
    assert any(line.startswith("cross-table checks done in ") for line in lines), lines


def test_optional_tables_and_columns_may_be_absent(valid_inputs: Path) -> None:
    for name, table in contract.tables().items():
        if not table.required:
            (valid_inputs / f"{name}.csv").unlink()
    drop_column(valid_inputs, "billing_customers", "email")  # meta.optional
    drop_column(valid_inputs, "organizations", "name")
    rows = validate(valid_inputs)
    assert set(rows) == {name for name, table in contract.tables().items() if table.required}


def test_typed_parquet_inputs_pass(valid_inputs: Path) -> None:
    """Parquet files with real types (dates, timestamps, doubles, booleans) read as the CSV text does."""
    for name in contract.tables():
        to_parquet(valid_inputs, name, typed=True)
    assert validate(valid_inputs)["invoices"] == 7


# ---------------------------------------------------------------------------------------------
# Rule 1: files


def test_missing_required_file(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    (valid_inputs / "invoices.csv").unlink()
    assert "invoices.csv is missing: it is a required input (the payment provider's invoices export)." in (
        problems_of(valid_inputs)
    )


def test_missing_required_file_names_a_close_match(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "organizations")
    (valid_inputs / "organizations.csv").rename(valid_inputs / "organisations.csv")
    assert_reported(valid_inputs, "organizations.csv is missing", "the directory has organisations.csv")


def test_table_given_as_csv_and_parquet(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "usage")
    duckdb.sql(f"copy (select 1 as x) to '{valid_inputs / 'usage.parquet'}' (format parquet)")
    assert_reported(valid_inputs, "usage is given twice, as usage.csv and usage.parquet")


@pytest.mark.parametrize(
    ("file", "content", "reason"),
    [
        ("credits.csv", b"\xff\xfe\x00c\x00r\x00\xe9\x00", "credits.csv cannot be read: it is not UTF-8 text."),
        ("organizations.csv", b"", "organizations.csv is empty: it needs at least a header row"),
        ("refunds.parquet", b"refund_id\nrf_1\n", "refunds.parquet cannot be read: it is not a Parquet file."),
    ],
    ids=["not-utf8", "empty", "not-parquet"],
)
def test_unreadable_file(valid_inputs: Path, file: str, content: bytes, reason: str) -> None:
    drop_unrelated_tables(valid_inputs, file.split(".")[0])
    (valid_inputs / f"{file.split('.')[0]}.csv").unlink()
    (valid_inputs / file).write_bytes(content)
    assert_reported(valid_inputs, reason)


def test_row_with_too_many_fields_is_located(valid_inputs: Path) -> None:
    """Past DuckDB's sniffing sample, a broken row is reported with its line."""
    drop_unrelated_tables(valid_inputs, "usage")
    rows = "".join(f"org_1,product_analytics,2025-01-01,{units}\n" for units in range(30_000))
    text = "organization_id,product_key,usage_month,units\n" + rows + "org_1,logs,2025-01-01,5,extra\n"
    (valid_inputs / "usage.csv").write_text(text)
    assert_reported(valid_inputs, "usage.csv cannot be read: line 30002", "it has 5 fields where the header has 4")


def test_header_row_missing(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "quotas")
    text = (valid_inputs / "quotas.csv").read_text()
    (valid_inputs / "quotas.csv").write_text(text.split("\n", 1)[1])
    assert_reported(valid_inputs, "quotas.csv: none of the expected columns is in the header")


def test_required_table_without_rows(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "usage")
    write(valid_inputs, "usage", ["organization_id", "product_key", "usage_month", "units"], [])
    assert_reported(valid_inputs, "usage.csv has no rows: it is a required input")


def test_quota_inputs_all_or_none(valid_inputs: Path) -> None:
    (valid_inputs / "quotas.csv").unlink()
    assert_reported(valid_inputs, "quota inputs are incomplete", "quotas is missing")


# ---------------------------------------------------------------------------------------------
# Rule 2: columns


def test_missing_required_column(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoice_line_items")
    drop_column(valid_inputs, "invoice_line_items", "amount_usd")
    assert "invoice_line_items.csv: the file is missing the required column amount_usd." in problems_of(valid_inputs)


def test_missing_required_column_in_parquet(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoice_line_items")
    drop_column(valid_inputs, "invoice_line_items", "amount_usd")
    to_parquet(valid_inputs, "invoice_line_items")
    assert "invoice_line_items.parquet: the file is missing the required column amount_usd." in problems_of(
        valid_inputs
    )


# ---------------------------------------------------------------------------------------------
# Rules 3-8: one corruption each, one sentence expected


CASES = [
    # 3. keys: filled and unique (DuckDB)
    pytest.param(
        setter("invoices", 3, "invoice_id", "inv_1"),
        (
            "invoices.csv, column invoice_id: 1 invoice_id value appears more than once (must be unique), "
            'e.g. "inv_1" on lines 2 and 3.',
        ),
        id="duplicate-key",
    ),
    pytest.param(
        add_row("usage", organization_id="org_1", product_key="feature_flags", usage_month="2025-02-01", units="1"),
        ("usage.csv, columns organization_id, product_key, usage_month: 1 combination appears more than once",),
        id="duplicate-composite-key",
    ),
    pytest.param(
        setter("credits", 2, "credit_id", ""),
        ("credits.csv, column credit_id: 1 row has no credit_id (it is the key, so it must be filled), e.g. line 2.",),
        id="empty-key",
    ),
    # 4. filled
    pytest.param(
        setter("invoices", 4, "status", " "),
        ("invoices.csv, column status: 1 row has no status (it must be filled), e.g. line 4.",),
        id="empty-value",
    ),
    pytest.param(
        setter("invoice_line_items", 3, "amount_usd", ""),
        ("invoice_line_items.csv, column amount_usd:", "is empty or not an amount", "line 3: empty"),
        id="empty-typed-value",
    ),
    # 5. types
    pytest.param(
        setter("invoices", 2, "period_start", "2025-13-01"),
        (
            "invoices.csv, column period_start: 1 row has a period_start that is empty or not a date (YYYY-MM-DD)",
            'line 2: "2025-13-01"',
        ),
        id="unparseable-date",
    ),
    pytest.param(
        setter("invoices", 3, "due_on", "15/03/2025"),
        ("invoices.csv, column due_on: 1 row has a due_on that is not a date", 'line 3: "15/03/2025"'),
        id="unparseable-nullable-date",
    ),
    pytest.param(
        setter("trials", 2, "end_month", "2205-02-01"),
        ("trials.csv, column end_month:", "in the years 1990 to 2099", '"2205-02-01"'),
        id="date-year-typo",
    ),
    pytest.param(
        setter("refunds", 2, "created_at", "2025-02-10T09:00:00+02:00"),
        ("refunds.csv, column created_at:", "not a UTC timestamp", '"2025-02-10T09:00:00+02:00"'),
        id="timestamp-not-utc",
    ),
    pytest.param(
        setter("credits", 2, "amount_usd", "$20.00"),
        ("credits.csv, column amount_usd:", "not an amount", 'line 2: "$20.00"'),
        id="decimal",
    ),
    pytest.param(
        setter("usage", 5, "units", "lots"),
        ("usage.csv, column units:", "not a number", 'line 5: "lots"'),
        id="double",
    ),
    pytest.param(
        setter("contracts", 2, "term_months", "twelve"),
        ("contracts.csv, column term_months:", "not a whole number", '"twelve"'),
        id="integer",
    ),
    pytest.param(
        setter("billing_customers", 3, "is_startup_plan", "yes"),
        ("billing_customers.csv, column is_startup_plan:", "not true or false", 'line 3: "yes"'),
        id="boolean",
    ),
    # 6. accepted values
    pytest.param(
        setter("invoices", 3, "currency", "eur"),
        ('invoices.csv, column currency: 1 row has a currency other than usd, e.g. line 3: "eur".',),
        id="currency",
    ),
    pytest.param(
        setter("invoice_line_items", 8, "product_key", "sesion_replay"),
        (
            "invoice_line_items.csv, column product_key: 1 row has a product_key that is not in the product "
            'catalogue, e.g. line 8: "sesion_replay".',
        ),
        id="unknown-product",
    ),
    pytest.param(
        setter("usage", 2, "product_key", "Product Analytics"),
        ("usage.csv, column product_key:", "not in the product catalogue", '"Product Analytics"'),
        id="unknown-product-in-usage",
    ),
    pytest.param(
        setter("credits", 2, "reason", "Goodwill"),
        ("credits.csv, column reason:", "not one of the credit reasons", '"Goodwill"'),
        id="credit-reason",
    ),
    pytest.param(
        setter("organizations", 3, "region", "APAC"),
        ("organizations.csv, column region:", "not one of US, EU", '"APAC"'),
        id="region",
    ),
    # 7. ranges
    pytest.param(
        setter("refunds", 2, "amount_usd", "-25.00"),
        (
            "refunds.csv, column amount_usd: 1 row has a negative amount_usd (amounts are zero or more), "
            'e.g. line 2: "-25.00".',
        ),
        id="negative-amount",
    ),
    pytest.param(
        setter("usage", 3, "units", "-1"),
        ("usage.csv, column units:", "negative units", '"-1"'),
        id="negative-units",
    ),
    pytest.param(
        setter("contracts", 2, "discount", "1"),
        ("contracts.csv, column discount:", "outside 0 to 0.9", 'line 2: "1"'),
        id="discount-above-the-bound",
    ),
    pytest.param(
        setter("contracts", 2, "payment_cadence_months", "0"),
        ("contracts.csv, column payment_cadence_months:", "outside 1 to 120", '"0"'),
        id="cadence-zero",
    ),
    # 8. dates
    pytest.param(
        setter("invoices", 2, "period_end", "2024-12-31"),
        (
            "invoices.csv, column period_end: 1 row has a period_end before its period_start",
            'line 2: period_start "2025-01-01", period_end "2024-12-31"',
        ),
        id="period-end-before-start",
    ),
    pytest.param(
        setter("trials", 2, "end_month", "2024-12-01"),
        ("trials.csv, column end_month:", "before its start_month", 'end_month "2024-12-01"'),
        id="trial-ends-before-start",
    ),
    pytest.param(
        setter("account_owners", 3, "end_date", "2024-05-31"),
        ("account_owners.csv, column end_date:", "before its start_date", 'end_date "2024-05-31"'),
        id="owner-ends-before-start",
    ),
    pytest.param(
        setter("usage", 4, "usage_month", "2025-02-15"),
        ("usage.csv, column usage_month:", "not the first day of a month", 'line 4: "2025-02-15"'),
        id="month-not-first-day",
    ),
    pytest.param(
        setter("quotas", 3, "quarter", "2025-Q5"),
        ("quotas.csv, column quarter:", "not a calendar quarter written like 2025-Q2", '"2025-Q5"'),
        id="quarter-format",
    ),
    # 11. further checks
    pytest.param(
        setter("invoice_line_items", 3, "discount_usd", "60.00"),
        ("invoice_line_items.csv, column discount_usd:", "larger than its amount_usd", 'discount_usd "60.00"'),
        id="line-discount-above-amount",
    ),
    pytest.param(
        setter("invoices", 3, "amount_paid_usd", "250.00"),
        ("invoices.csv, column amount_paid_usd:", "larger than its total_usd", 'amount_paid_usd "250.00"'),
        id="paid-above-total",
    ),
]


@pytest.mark.parametrize(("corruption", "fragments"), CASES)
def test_single_row_rule(
    valid_inputs: Path, corruption: tuple[str, Callable[[Path], None]], fragments: tuple[str, ...]
) -> None:
    table, corrupt = corruption
    drop_unrelated_tables(valid_inputs, table)
    corrupt(valid_inputs)
    assert_reported(valid_inputs, *fragments)


# ---------------------------------------------------------------------------------------------
# Rule 9: invoice arithmetic


def test_total_is_not_the_sum_of_its_parts(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    set_value(valid_inputs, "invoices", 2, "total_usd", "155.00")
    assert_reported(
        valid_inputs,
        "invoices.csv, column total_usd: 1 row has a total_usd that is not subtotal_usd - discount_usd - "
        "credit_applied_usd + tax_usd (to the cent)",
        'line 2: total_usd "155.00", subtotal_usd "150.00"',
    )


def test_subtotal_is_not_the_sum_of_the_lines(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    set_value(valid_inputs, "invoices", 2, "subtotal_usd", "160.00")
    set_value(valid_inputs, "invoices", 2, "total_usd", "164.00")  # keeps the total's own arithmetic right
    set_value(valid_inputs, "invoices", 2, "amount_paid_usd", "164.00")
    sentence = assert_reported(valid_inputs, "invoices.csv, column subtotal_usd:", "sum of its lines")
    assert 'line 2: invoice_id "inv_1", subtotal_usd "160.00", sum of lines "150.00"' in sentence


# ---------------------------------------------------------------------------------------------
# Rule 10: across tables (DuckDB)


@pytest.mark.parametrize(
    ("table", "line", "column", "parent"),
    [
        ("invoices", 3, "billing_customer_id", "billing_customers.csv"),
        ("billing_customers", 2, "organization_id", "organizations.csv"),
        ("contracts", 2, "usage_billing_customer_id", "billing_customers.csv"),
        ("organization_consolidations", 2, "parent_organization_id", "organizations.csv"),
        ("account_owners", 2, "owner_id", "sales_reps.csv"),
    ],
)
def test_orphan(valid_inputs: Path, table: str, line: int, column: str, parent: str) -> None:
    drop_unrelated_tables(valid_inputs, table)
    set_value(valid_inputs, table, line, column, "nowhere_9")
    assert_reported(
        valid_inputs,
        f"{table}.csv, column {column}: 1 row has ",
        f"that is not in {parent}",
        f'line {line}: "nowhere_9"',
    )


def test_orphan_line_item(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoice_line_items")
    set_value(valid_inputs, "invoice_line_items", 8, "invoice_id", "inv_999")
    assert (
        'invoice_line_items.csv, column invoice_id: 1 row has an invoice_id that is not in invoices.csv, e.g. line 8: "inv_999".'
        in problems_of(valid_inputs)
    )


def test_refund_for_a_product_not_on_its_invoice(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "refunds")
    set_value(valid_inputs, "refunds", 2, "product_key", "surveys")
    assert_reported(
        valid_inputs, "refunds.csv, column product_key:", "its invoice has no line for", 'product_key "surveys"'
    )


def test_refunds_larger_than_their_invoice(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "refunds")
    set_value(valid_inputs, "refunds", 2, "amount_usd", "99999.00")
    assert_reported(valid_inputs, "refunds.csv, column amount_usd:", "exceeds the invoice's total_usd", '"99999.00"')


def test_organization_consolidated_into_itself(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "organization_consolidations")
    set_value(valid_inputs, "organization_consolidations", 2, "parent_organization_id", "org_2")
    assert_reported(
        valid_inputs,
        "organization_consolidations.csv, column parent_organization_id:",
        "rolls up into itself",
        'line 2: "org_2"',
    )


def test_consolidation_cycle(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "organization_consolidations")
    append_lines(valid_inputs, "organization_consolidations", "org_3,org_5,2025-03-01,same_company")
    assert_reported(
        valid_inputs,
        "organization_consolidations.csv, column parent_organization_id: 3 organizations are in a consolidation cycle",
        "(lines 2, 3 and 4)",
        '"org_2" -> "org_3" -> "org_5" -> "org_2"',
    )


# ---------------------------------------------------------------------------------------------
# Row numbers, several problems, the cap


def test_line_numbers_survive_blank_lines_and_values_on_several_lines(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "credits")
    append_lines(
        valid_inputs,
        "credits",
        'cr_2,cus_1,5.00,Promo Credit,2025-02-01,2025-02-02T00:00:00Z,"first line\nsecond line"',
        "",
        "cr_3,cus_1,-5.00,Promo Credit,2025-02-01,2025-02-02T00:00:00Z,",
    )
    assert_reported(valid_inputs, "credits.csv, column amount_usd:", 'line 6: "-5.00"')


def test_parquet_rows_are_numbered(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoice_line_items")
    set_value(valid_inputs, "invoice_line_items", 4, "product_key", "sesion_replay")
    to_parquet(valid_inputs, "invoice_line_items")
    assert_reported(valid_inputs, "invoice_line_items.parquet, column product_key:", 'row 3: "sesion_replay"')


def test_every_problem_is_reported_not_only_the_first(valid_inputs: Path) -> None:
    set_value(valid_inputs, "invoices", 3, "currency", "eur")
    set_value(valid_inputs, "quotas", 2, "quota_usd", "-1")
    (valid_inputs / "trials.csv").write_text("organization_id,start_month,end_month\norg_9,2025-01-01,\n")
    problems = problems_of(valid_inputs)
    assert len(problems) == 3, problems
    assert [problem.split(",")[0] for problem in problems] == ["invoices.csv", "quotas.csv", "trials.csv"]


def test_problems_are_capped(valid_inputs: Path) -> None:
    for name, table in contract.tables().items():
        header, rows = read(valid_inputs, name)
        write(valid_inputs, name, header, [{c: v if c in table.key else "?" for c, v in row.items()} for row in rows])
    problems = problems_of(valid_inputs)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].startswith("... and ")
