"""revops.validate: the hand-written valid inputs pass, and each rule, broken once, is reported.

Every corruption test changes exactly one thing in a fresh copy of the valid directory (the
`valid_inputs` fixture of conftest.py) and asserts that one problem sentence names the file, the
column (where there is one) and the offending value or line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import write_valid_inputs
from revops import contract
from revops.errors import RevopsError
from revops.validate import (
    MAX_PROBLEMS,
    PARTIAL_MONTH_MIN_SHARE,
    QUOTA_TABLES,
    Plausibility,
    validate,
)

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
    needed = {table} | {relationship.parent for relationship in contract.relationships() if relationship.table == table}
    if needed & set(QUOTA_TABLES):
        needed |= set(QUOTA_TABLES)
    for name, contract_table in contract.tables().items():
        if not contract_table.required and name not in needed:
            (directory / f"{name}.csv").unlink(missing_ok=True)


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
        setter("invoices", 3, "currency", "EUR"),
        (
            "invoices.csv, column currency: 1 row has a currency that is not an ISO 4217 code in lower case "
            '(such as usd, eur or gbp), e.g. line 3: "EUR".',
        ),
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
    set_value(valid_inputs, "invoices", 3, "currency", "EUR")
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


# ---------------------------------------------------------------------------------------------
# Ids: compared trimmed, as the loader reads them; email addresses refused


def test_a_padded_id_is_the_same_id_as_the_loader_reads_it(valid_inputs: Path) -> None:
    """The loader trims values, so " inv_1" is inv_1 to dbt's unique test: the validator must see the duplicate."""
    drop_unrelated_tables(valid_inputs, "invoices")
    set_value(valid_inputs, "invoices", 3, "invoice_id", " inv_1 ")
    assert_reported(valid_inputs, "invoices.csv, column invoice_id: 1 invoice_id value appears more than once")


def test_a_padded_reference_still_finds_its_parent(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoice_line_items")
    set_value(valid_inputs, "invoice_line_items", 2, "invoice_id", "  inv_1")
    assert validate(valid_inputs)["invoice_line_items"] == 7


def test_an_id_that_is_an_email_address_is_refused_as_personal_data(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    set_value(valid_inputs, "billing_customers", 2, "billing_customer_id", "jane.doe@acme.example")
    set_value(valid_inputs, "invoices", 2, "billing_customer_id", "jane.doe@acme.example")
    set_value(valid_inputs, "invoices", 3, "billing_customer_id", "jane.doe@acme.example")
    sentence = assert_reported(
        valid_inputs,
        "billing_customers.csv, column billing_customer_id: 1 row has a billing_customer_id that looks like an "
        "email address (personal data cannot be an id",
        "e.g. line 2.",
    )
    assert "jane.doe" not in sentence
    assert_reported(
        valid_inputs, "invoices.csv, column billing_customer_id: 2 rows have", "email address", "lines 2 and 3"
    )


# ---------------------------------------------------------------------------------------------
# Numbers the warehouse's types hold


@pytest.mark.parametrize(
    ("table", "line", "column", "value", "fragment"),
    [
        ("invoice_line_items", 2, "amount_usd", "999999999999999.99", "of 1,000,000,000,000 or more"),
        ("quotas", 2, "quota_usd", "1000000000000", "of 1,000,000,000,000 or more"),
        ("organizations", 2, "employee_count", "3000000000", "outside -2,147,483,648 to 2,147,483,647"),
        ("usage", 2, "units", "1e16", "of 1e+15 or more"),
        ("contracts", 2, "term_months", "1200", "outside 1 to 120"),
    ],
    ids=["amount-near-1e15", "amount-of-a-trillion", "integer-beyond-32-bits", "units", "term"],
)
def test_a_number_the_warehouse_cannot_hold_is_refused(
    valid_inputs: Path, table: str, line: int, column: str, value: str, fragment: str
) -> None:
    drop_unrelated_tables(valid_inputs, table)
    set_value(valid_inputs, table, line, column, value)
    assert_reported(valid_inputs, f"{table}.csv, column {column}: 1 row has ", fragment, f'line {line}: "{value}"')


def test_amounts_whose_sum_the_warehouse_cannot_hold_are_refused(valid_inputs: Path) -> None:
    """Each credit is below the one-amount bound; together (11 x 999,999,999,999.00 + the 20.00 already
    there = 11,000,000,000,009.00) they pass 10^13, which sums, x 12 and / (1 - discount) in the
    models would take beyond decimal(18, 2)."""
    drop_unrelated_tables(valid_inputs, "credits")
    append_lines(
        valid_inputs,
        "credits",
        *(f"cr_big_{n},cus_1,999999999999.00,Promo Credit,2025-01-01,2025-01-02T00:00:00Z," for n in range(11)),
    )
    assert_reported(
        valid_inputs,
        "credits.csv, column amount_usd: the amounts add up to 11,000,000,000,009.00, more than the warehouse can sum",
    )


# ---------------------------------------------------------------------------------------------
# Contracts: discounts agree with price and credit; early renewals


def test_a_discount_near_one_is_refused_even_when_the_price_agrees(valid_inputs: Path) -> None:
    """0.9999 would make the annual-plan adjustment multiply revenue by 10,000."""
    drop_unrelated_tables(valid_inputs, "contracts")
    set_value(valid_inputs, "contracts", 2, "discount", "0.9999")
    set_value(valid_inputs, "contracts", 2, "price_usd", "3.00")  # 30,000.00 x 0.0001
    assert_reported(valid_inputs, "contracts.csv, column discount: 1 row has a discount outside 0 to 0.9", '"0.9999"')


def test_a_discount_that_disagrees_with_the_price_is_refused(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "contracts")
    set_value(valid_inputs, "contracts", 2, "discount", "0.25")  # 30,000.00 x 0.75 = 22,500.00, not 24,000.00
    assert_reported(
        valid_inputs,
        "contracts.csv, column discount: 1 row has a discount that does not agree with its price_usd and credit_usd",
        'line 2: price_usd "24000.00", credit_usd "30000.00", discount "0.25"',
    )


@pytest.mark.parametrize(
    ("credit", "discount", "price", "accepted"),
    [
        # 1,000,000.00 x (1 - 0.333333) = 666,667.00: 0.33 from 666,666.67, inside the tolerance
        # 0.01 + 1,000,000.00 x 0.0000005 = 0.51 (a third cannot be written in 6 decimals).
        ("1000000.00", "0.333333", "666666.67", True),
        # 1,000,000.00 x (1 - 0.3333) = 666,700.00: 33.33 from the price, far outside it.
        ("1000000.00", "0.3333", "666666.67", False),
        # 1,000.00 x (1 - 0.2) = 800.00; the tolerance is 0.01 + 1,000.00 x 0.0000005 = 0.0105.
        ("1000.00", "0.2", "800.00", True),
        ("1000.00", "0.2", "800.01", True),
        ("1000.00", "0.2", "800.02", False),
    ],
)
def test_the_price_tolerance_allows_for_the_discounts_six_decimals(
    valid_inputs: Path, credit: str, discount: str, price: str, accepted: bool
) -> None:
    drop_unrelated_tables(valid_inputs, "contracts")
    set_value(valid_inputs, "contracts", 2, "credit_usd", credit)
    set_value(valid_inputs, "contracts", 2, "discount", discount)
    set_value(valid_inputs, "contracts", 2, "price_usd", price)
    if accepted:
        assert validate(valid_inputs)["contracts"] == 1
    else:
        assert_reported(valid_inputs, "contracts.csv, column discount:", "does not agree with its price_usd")


def _contracts_with_a_renewal(directory: Path, replaces: str, organization: str, start: str) -> None:
    drop_unrelated_tables(directory, "contracts")
    header, rows = read(directory, "contracts")
    header.append("replaces_contract_id")
    renewal = {**rows[0], "contract_id": "ctr_2", "organization_id": organization, "start_date": start}
    write(directory, "contracts", header, [rows[0], {**renewal, "replaces_contract_id": replaces}])


def test_an_early_renewal_of_an_earlier_contract_passes(valid_inputs: Path) -> None:
    _contracts_with_a_renewal(valid_inputs, "ctr_1", "org_4", "2025-10-01")
    assert validate(valid_inputs)["contracts"] == 2


@pytest.mark.parametrize(
    ("replaces", "organization", "start", "fragments"),
    [
        ("ctr_9", "org_4", "2025-10-01", ("a replaces_contract_id that is not in contracts.csv", 'line 3: "ctr_9"')),
        (
            "ctr_1",
            "org_1",
            "2025-10-01",
            ("names another organization's contract", 'organization_id "org_1"', 'its organization_id "org_4"'),
        ),
        (
            "ctr_1",
            "org_4",
            "2025-01-01",
            ("names a contract that did not start earlier", 'start_date "2025-01-01"', 'its start_date "2025-01-01"'),
        ),
    ],
    ids=["names-no-contract", "another-organization", "not-earlier"],
)
def test_a_renewal_must_replace_an_earlier_contract_of_its_organization(
    valid_inputs: Path, replaces: str, organization: str, start: str, fragments: tuple[str, ...]
) -> None:
    _contracts_with_a_renewal(valid_inputs, replaces, organization, start)
    assert_reported(valid_inputs, "contracts.csv, column replaces_contract_id: 1 row has", *fragments)


# ---------------------------------------------------------------------------------------------
# Sums on the file's own values


def test_lines_with_fractions_of_a_cent_add_up_to_their_subtotal(valid_inputs: Path) -> None:
    """0.005 + 0.005 = 0.01 exactly; rounding each line to the cent first would make 0.02."""
    drop_unrelated_tables(valid_inputs, "invoice_line_items")
    append_lines(
        valid_inputs,
        "invoices",
        "inv_8,cus_1,usage,paid,2025-02-01,2025-02-28,usd,0.01,0.00,0.00,0.00,0.01,0.01,"
        "2025-03-01T00:00:00Z,2025-03-15,2025-03-02T00:00:00Z",
    )
    append_lines(
        valid_inputs,
        "invoice_line_items",
        "li_8,inv_8,logs,1,0.005,0",
        "li_9,inv_8,surveys,1,0.005,0",
    )
    assert validate(valid_inputs)["invoice_line_items"] == 9


# ---------------------------------------------------------------------------------------------
# Plausibility of dates and of the newest month

TODAY = date(2025, 3, 10)  # the valid inputs run to February 2025


def plausible(today: date = TODAY, as_of: date | None = None) -> Plausibility:
    return Plausibility(today=today, as_of=as_of)


def test_a_date_later_than_today_plus_a_month_is_refused(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "usage")
    set_value(valid_inputs, "usage", 4, "usage_month", "2090-02-01")
    with pytest.raises(RevopsError) as caught:
        validate(valid_inputs, plausibility=plausible())
    assert (
        "usage.csv, column usage_month: 1 row has a usage_month later than 2025-04-10 (today plus 1 month, UTC: "
        'a mistyped year? with --as-of, later months are ignored instead), e.g. line 4: "2090-02-01".'
    ) in caught.value.problems


def test_a_mistyped_year_on_a_usage_invoice_is_refused_with_today(valid_inputs: Path) -> None:
    """Against the real clock: one usage invoice dated 2090 would move the reporting month to 2090."""
    drop_unrelated_tables(valid_inputs, "invoices")
    set_value(valid_inputs, "invoices", 3, "period_start", "2090-02-01")
    set_value(valid_inputs, "invoices", 3, "period_end", "2090-02-28")
    assert_reported(
        valid_inputs, "invoices.csv, column period_start: 1 row has a period_start later than", "2090-02-01"
    )


def test_dates_that_plan_ahead_may_be_in_the_future(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    set_value(valid_inputs, "invoices", 5, "period_end", "2030-12-31")  # a long credit purchase
    set_value(valid_inputs, "invoices", 3, "due_on", "2029-03-15")
    set_value(valid_inputs, "billing_customers", 4, "startup_credit_expires_on", "2031-06-30")
    assert validate(valid_inputs, plausibility=plausible())["invoices"] == 7


def test_with_an_as_of_month_later_months_are_ignored_not_refused(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "usage")
    set_value(valid_inputs, "usage", 4, "usage_month", "2090-02-01")
    rows = validate(valid_inputs, plausibility=plausible(as_of=date(2025, 1, 1)))
    assert rows["usage"] == 7


@pytest.mark.parametrize(
    ("as_of", "fragment"),
    [
        (
            date(2024, 12, 1),
            "no usage invoice with the status open, paid or uncollectible starts on or before --as-of "
            "2024-12 (the first is in 2025-01)",
        ),
        (date(2025, 4, 1), "--as-of 2025-04 is after the current month (2025-03, UTC)"),
    ],
    ids=["before-the-data", "after-the-current-month"],
)
def test_an_as_of_month_with_nothing_to_report_is_refused(valid_inputs: Path, as_of: date, fragment: str) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    with pytest.raises(RevopsError) as caught:
        validate(valid_inputs, plausibility=plausible(as_of=as_of))
    assert any(fragment in problem for problem in caught.value.problems), caught.value.problems


def add_usage_invoices(directory: Path, month: str, count: int) -> None:
    """`count` paid usage invoices of 0.00 without lines, for period `month` (YYYY-MM)."""
    append_lines(
        directory,
        "invoices",
        *(
            f"inv_{month}_{n},cus_1,usage,paid,{month}-01,{month}-28,usd,0.00,0.00,0.00,0.00,0.00,0.00,"
            f"{month}-28T00:00:00Z,,"
            for n in range(count)
        ),
    )


def test_a_partial_newest_month_stops_the_run_with_the_as_of_that_builds_the_last_complete_one(
    valid_inputs: Path,
) -> None:
    """2025-01 has 4 + 26 = 30 usage invoices, 2025-02 1 + 29 = 30, 2025-03 30; 2025-04 has 2: less than
    half of their average, 30."""
    drop_unrelated_tables(valid_inputs, "invoices")
    for month, count in (("2025-01", 26), ("2025-02", 29), ("2025-03", 30), ("2025-04", 2)):
        add_usage_invoices(valid_inputs, month, count)
    with pytest.raises(RevopsError) as caught:
        validate(valid_inputs, plausibility=plausible(today=date(2025, 5, 2)))
    assert caught.value.problems == [
        "invoices.csv, column period_start: the newest month, 2025-04, has 2 usage invoices, less than 50 % of the "
        "30 a month before it (30 in 2025-03, 30 in 2025-02 and 30 in 2025-01): is the export partial, or a "
        "period_start mistyped? Pass --as-of 2025-03 to build the last complete month (or --as-of 2025-04 to "
        "build 2025-04 as it is)."
    ]
    assert validate(valid_inputs, plausibility=plausible(today=date(2025, 5, 2), as_of=date(2025, 3, 1)))


def test_a_newest_month_with_half_the_invoices_is_not_partial(valid_inputs: Path) -> None:
    """15 of an average of 30 is exactly half: not less than PARTIAL_MONTH_MIN_SHARE of it."""
    drop_unrelated_tables(valid_inputs, "invoices")
    for month, count in (("2025-01", 26), ("2025-02", 29), ("2025-03", 30), ("2025-04", 15)):
        add_usage_invoices(valid_inputs, month, count)
    assert PARTIAL_MONTH_MIN_SHARE == 0.5
    assert validate(valid_inputs, plausibility=plausible(today=date(2025, 5, 2)))["invoices"] == 7 + 100


def test_a_company_too_small_to_judge_is_not_refused(valid_inputs: Path) -> None:
    """The valid inputs' newest month, 2025-02, has 1 usage invoice against 4 in 2025-01: below the
    PARTIAL_MONTH_MIN_INVOICES a month needed to judge."""
    assert validate(valid_inputs, plausibility=plausible())["invoices"] == 7


def test_no_usage_invoice_to_report_is_refused(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "invoices")
    header, rows = read(valid_inputs, "invoices")
    write(
        valid_inputs,
        "invoices",
        header,
        [{**row, "status": "void"} if row["invoice_type"] == "usage" else row for row in rows],
    )
    assert_reported(
        valid_inputs,
        "invoices.csv, column period_start: no usage invoice has the status open, paid or uncollectible",
        "pass --as-of YYYY-MM",
    )


# ---------------------------------------------------------------------------------------------
# Warnings


def test_a_short_credit_purchase_without_a_contract_is_a_warning(valid_inputs: Path) -> None:
    drop_unrelated_tables(valid_inputs, "contracts")
    append_lines(
        valid_inputs,
        "invoices",
        # 26 days: a top-up for cus_1, which buys no contract's credits.
        "inv_8,cus_1,credit_purchase,paid,2025-02-01,2025-02-27,usd,500.00,0.00,0.00,0.00,500.00,500.00,"
        "2025-02-01T00:00:00Z,,2025-02-01T00:00:00Z",
        # 27 days, February with an inclusive end: a whole month.
        "inv_9,cus_1,credit_purchase,paid,2025-02-01,2025-02-28,usd,500.00,0.00,0.00,0.00,500.00,500.00,"
        "2025-02-01T00:00:00Z,,2025-02-01T00:00:00Z",
        # 10 days, but cus_4 buys ctr_1's credits (1 January 2025 for 12 months): it pays ctr_1.
        "inv_10,cus_4,credit_purchase,paid,2025-03-01,2025-03-11,usd,500.00,0.00,0.00,0.00,500.00,500.00,"
        "2025-03-01T00:00:00Z,,2025-03-01T00:00:00Z",
        # One day, dated before ctr_1 starts: it pays ctr_1's first period.
        "inv_11,cus_4,credit_purchase,paid,2024-12-20,2024-12-20,usd,500.00,0.00,0.00,0.00,500.00,500.00,"
        "2024-12-20T00:00:00Z,,2024-12-20T00:00:00Z",
        # One day on cus_4's account, but dated after ctr_1's term ended (1 January 2026): it matches no contract.
        "inv_12,cus_4,credit_purchase,paid,2026-03-05,2026-03-05,usd,6000.00,0.00,0.00,0.00,6000.00,6000.00,"
        "2026-03-05T00:00:00Z,,2026-03-05T00:00:00Z",
    )
    warnings: list[str] = []
    assert validate(valid_inputs, warn=warnings.append)["invoices"] == 12
    assert warnings == [
        "invoices.csv, column period_end: 2 rows have a credit_purchase invoice covering less than a month "
        "(period_end - period_start under 27 days) that matches no contract in contracts.csv (no contract buys "
        "that billing customer's credits with a term running at period_start): a one-off top-up counts as "
        'recurring revenue for its month, e.g. line 9: invoice_id "inv_8", period_start "2025-02-01", '
        'period_end "2025-02-27"; line 13: invoice_id "inv_12", period_start "2026-03-05", period_end "2026-03-05".'
    ]


# ---------------------------------------------------------------------------------------------
# The snapshot the build reads, and exact file paths


def test_the_snapshot_holds_the_validated_text_of_every_contract_table(valid_inputs: Path, tmp_path: Path) -> None:
    (valid_inputs / "trials.csv").unlink()  # an absent optional table
    set_value(valid_inputs, "invoices", 2, "invoice_id", "  inv_1 ")
    snapshot = tmp_path / "snapshot"
    validate(valid_inputs, snapshot_dir=snapshot)
    assert sorted(path.stem for path in snapshot.iterdir()) == sorted(contract.tables())
    with duckdb.connect() as connection:
        for name, table in contract.tables().items():
            described = connection.execute(f"describe select * from '{snapshot / name}.parquet'").fetchall()
            assert [(row[0], row[1]) for row in described] == [(column, "VARCHAR") for column in table.column_names]
        assert connection.execute(f"select count(*) from '{snapshot}/trials.parquet'").fetchone() == (0,)
        invoice_ids = connection.execute(f"select invoice_id from '{snapshot}/invoices.parquet'").fetchall()
        assert invoice_ids[0] == ("inv_1",)
        (due,) = connection.execute(
            f"select due_on from '{snapshot}/invoices.parquet' where invoice_id = 'inv_5'"
        ).fetchone()
        assert due is None  # blank is null


def test_a_folder_with_glob_characters_is_read_exactly(tmp_path: Path) -> None:
    """DuckDB expands `in[1]` as a pattern matching `in1`: the validator must read its own folder."""
    valid, sibling = write_valid_inputs(tmp_path / "in[1]"), write_valid_inputs(tmp_path / "in1")
    set_value(valid, "invoices", 3, "currency", "EUR")
    assert_reported(valid, "invoices.csv, column currency: 1 row has a currency that is not an ISO 4217 code", '"EUR"')
    assert validate(sibling)["invoices"] == 7
