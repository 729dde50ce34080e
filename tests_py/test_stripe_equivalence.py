"""The same generated company, given once as the project's billing files and once as Stripe's tables
(Fivetran's shape), publishes the same warehouse: every staging table the rest of the project reads
and every published mart are equal row for row (`except all` both ways, so duplicates count)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from revops import contract
from revops.compare import rows_apart
from revops.errors import InputError
from revops.generate import generate
from revops.pipeline import RunOptions, run
from revops.validate import validate

# 56 scenario organizations (all billed in USD) and a population of 24, some of whom bill in EUR or GBP.
COMPANY = {"customers": 80, "months": 15, "seed": 3}

# The staging models every later model reads: the seam between the billing source and the rest.
BILLING_STAGING = (
    "stg_billing__billing_customers",
    "stg_billing__invoices",
    "stg_billing__invoice_line_items",
    "stg_billing__credits",
    "stg_billing__refunds",
    "stg_billing__subscriptions",
)


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> dict[str, Path]:
    """One company generated in both shapes, each run through `revops run`; in `root`, per shape,
    SHAPE-input/, the published SHAPE.duckdb and the kept build SHAPE-build.duckdb (every schema)."""
    root = tmp_path_factory.mktemp("stripe-equivalence")
    for shape in contract.BILLING_SOURCES:
        data_dir = root / f"{shape}-input"
        generate(data_dir, billing_format=shape, **COMPANY)
        run(
            data_dir,
            root / f"{shape}.duckdb",
            progress=lambda _line: None,
            target_path=root / f"{shape}-target",
            keep_build=root / f"{shape}-build.duckdb",
            options=RunOptions(billing_source=shape),
        )
    return {"root": root}


def _attach(root: Path, suffix: str) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for shape in contract.BILLING_SOURCES:
        connection.execute(f"attach '{root / f'{shape}{suffix}.duckdb'}' as {shape} (read_only)")
    return connection


def test_the_stripe_input_holds_stripe_tables_and_no_billing_files(company):
    stripe_dir = company["root"] / "stripe-input"
    names = {path.stem for path in stripe_dir.iterdir()}
    assert {"customer", "invoice", "invoice_line_item", "customer_balance_transaction", "credit_note"} <= names
    assert not names & {"billing_customers", "invoices", "invoice_line_items", "credits", "refunds"}


def test_the_company_bills_in_eur_and_gbp_and_is_restated_to_constant_currency(company):
    connection = _attach(company["root"], "-build")
    try:
        for shape in contract.BILLING_SOURCES:
            query = f"select distinct currency from {shape}.staging.stg_billing__invoices"
            currencies = {row[0] for row in connection.execute(query).fetchall()}
            assert {"usd", "eur", "gbp"} <= currencies, (shape, currencies)
            restated = connection.execute(
                f"select count(*) from {shape}.marts.revenue_adjustments where adjustment_type = 'constant_currency'"
            ).fetchall()[0][0]
            assert restated > 0, shape
    finally:
        connection.close()


def test_both_shapes_stage_the_same_billing_tables(company):
    connection = _attach(company["root"], "-build")
    try:
        for table in BILLING_STAGING:
            rows, only_billing, only_stripe = rows_apart(
                connection, f"billing.staging.{table}", f"stripe.staging.{table}"
            )
            assert (only_billing, only_stripe) == (0, 0), f"{table}: {only_billing} rows differ of {rows}"
            assert rows > 0, table
    finally:
        connection.close()


def test_both_shapes_publish_identical_marts(company):
    connection = _attach(company["root"], "")
    try:
        tables = {
            shape: {
                row[0]
                for row in connection.execute(
                    "select table_name from information_schema.tables where table_catalog = ? and table_schema = 'marts'",
                    [shape],
                ).fetchall()
            }
            for shape in contract.BILLING_SOURCES
        }
        assert tables["billing"] == tables["stripe"]
        assert len(tables["billing"]) >= 20
        empty = []
        for table in sorted(tables["billing"]):
            rows, only_billing, only_stripe = rows_apart(connection, f"billing.marts.{table}", f"stripe.marts.{table}")
            assert (only_billing, only_stripe) == (0, 0), f"marts.{table}: {only_billing} rows differ of {rows}"
            if rows == 0:
                empty.append(table)
        # A comparison of empty tables proves nothing: the company must fill almost every mart.
        assert len(empty) <= 2, empty
    finally:
        connection.close()


@pytest.fixture(scope="module")
def stripe_input(tmp_path_factory) -> Path:
    """The company in Stripe's shape only (a few seconds): for the validator's sentences."""
    data_dir = tmp_path_factory.mktemp("stripe-input")
    generate(data_dir, billing_format="stripe", **COMPANY)
    return data_dir


def _broken_copy(stripe_input: Path, destination: Path, name: str, old: str, new: str) -> Path:
    """A copy of the Stripe input with the first `old` of NAME.csv replaced by `new`."""
    destination.mkdir()
    for path in stripe_input.iterdir():
        (destination / path.name).write_bytes(path.read_bytes())
    text = (destination / f"{name}.csv").read_text()
    assert old in text
    (destination / f"{name}.csv").write_text(text.replace(old, new, 1))
    return destination


def _sentences(data_dir: Path, word: str) -> list[str]:
    with pytest.raises(InputError) as raised:
        validate(data_dir, billing_source="stripe")
    return [sentence for sentence in raised.value.problems if word in sentence]


def test_the_generated_stripe_input_is_valid(stripe_input):
    rows = validate(stripe_input, billing_source="stripe")
    assert rows["invoice"] > 0 and rows["stripe_mapping"] > 0


def test_a_customer_of_no_known_organization_is_refused_in_one_sentence(stripe_input, tmp_path):
    old = '""organization_id"": ""org_000002""'
    broken = _broken_copy(stripe_input, tmp_path / "in", "customer", old, old.replace("org_000002", "org_nobody"))
    sentences = _sentences(broken, "org_nobody")
    assert len(sentences) == 1
    assert "customer.csv" in sentences[0] and "organizations.csv" in sentences[0]


def test_a_mapping_to_an_unknown_product_is_refused_in_one_sentence(stripe_input, tmp_path):
    broken = _broken_copy(
        stripe_input, tmp_path / "in", "stripe_mapping", "prod_credits,,,credits", "prod_credits,,,credit"
    )
    sentences = _sentences(broken, "stripe_mapping.csv")
    assert len(sentences) == 1
    assert "product_key" in sentences[0] and "credits or ignore" in sentences[0] and '"credit"' in sentences[0]


def test_a_credit_reason_in_metadata_that_is_not_a_credit_reason_is_refused(stripe_input, tmp_path):
    broken = _broken_copy(stripe_input, tmp_path / "in", "customer_balance_transaction", "Promo Credit", "Promotion")
    sentences = _sentences(broken, "Promotion")
    assert len(sentences) == 1
    assert "customer_balance_transaction.csv" in sentences[0] and "credit reason" in sentences[0]


def test_stripe_files_run_as_billing_files_are_refused_with_the_flag_to_use(stripe_input):
    with pytest.raises(InputError) as raised:
        validate(stripe_input, billing_source="billing")
    assert len(raised.value.problems) == 1
    assert "--billing-source stripe" in raised.value.problems[0]
