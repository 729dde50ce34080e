"""Currencies at the door: a currency billed in a month without a rate in fx_rates is refused in one
sentence naming the currency, the month and the file, and the published file stays as it was;
malformed rates are refused the same way; USD needs no rate. A contract's currency needs a rate for
the month it starts and must be that of its billing accounts' invoices; a billing account bills in
one currency."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from conftest import write_valid_inputs
from revops.cli import main
from revops.errors import RevopsError
from revops.validate import validate


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    return write_valid_inputs(tmp_path / "inputs")


def _bill_in(directory: Path, invoice_id: str, currency: str) -> None:
    path = directory / "invoices.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["invoice_id"] == invoice_id:
            row["currency"] = currency
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _rates(directory: Path, *lines: str) -> None:
    (directory / "fx_rates.csv").write_text("currency,month,usd_per_unit\n" + "".join(f"{line}\n" for line in lines))


def _problems(directory: Path) -> list[str]:
    with pytest.raises(RevopsError) as caught:
        validate(directory)
    return caught.value.problems


def test_a_currency_without_any_rate_is_refused_naming_currency_month_and_file(inputs):
    _bill_in(inputs, "inv_3", "eur")  # cus_2's only invoice, period_start 2025-01-01
    (inputs / "fx_rates.csv").unlink()

    problems = _problems(inputs)

    assert problems == [
        "invoices.csv, column currency: 1 row has currency eur in 2025-01 (the month of period_start), which has "
        "no rate in fx_rates (the file is not given); add a row with currency eur, month 2025-01-01 and its "
        'usd_per_unit, e.g. line 4: currency "eur", period_start "2025-01-01".'
    ]


def test_a_rate_for_another_month_does_not_cover_the_bill(inputs):
    _bill_in(inputs, "inv_3", "eur")  # cus_2's only invoice, period_start 2025-01-01
    _rates(inputs, "eur,2025-02-01,1.08", "gbp,2025-01-01,1.27")

    problems = _problems(inputs)

    assert len(problems) == 1
    assert problems[0].startswith("invoices.csv, column currency: 1 row has currency eur in 2025-01")
    assert "no rate in fx_rates.csv" in problems[0]


def test_a_rate_for_the_month_lets_the_bill_in_and_usd_needs_none(inputs):
    _bill_in(inputs, "inv_3", "eur")
    _rates(inputs, "eur,2025-01-01,1.08")

    rows = validate(inputs)

    assert rows["fx_rates"] == 1
    assert rows["invoices"] == 7


def test_usd_needs_no_rate(inputs):
    (inputs / "fx_rates.csv").unlink()

    assert "fx_rates" not in validate(inputs)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ("eur,2025-01-01,1.08", "eur,2025-01-01,1.09"),
            "fx_rates.csv, columns currency, month: 1 combination appears more than once (each combination must be "
            'unique), e.g. ("eur", "2025-01-01") on lines 2 and 3.',
            id="duplicate-key",
        ),
        pytest.param(
            ("eur,2025-01-01,0",),
            "fx_rates.csv, column usd_per_unit: 1 row has a usd_per_unit of 0 or less (a rate is above 0), "
            'e.g. line 2: "0".',
            id="zero-rate",
        ),
        pytest.param(
            ("eur,2025-01-01,-1.08",),
            "fx_rates.csv, column usd_per_unit: 1 row has a usd_per_unit of 0 or less (a rate is above 0), "
            'e.g. line 2: "-1.08".',
            id="negative-rate",
        ),
        pytest.param(
            ("EUR,2025-01-01,1.08",),
            "fx_rates.csv, column currency: 1 row has a currency that is not an ISO 4217 code in lower case "
            '(such as usd, eur or gbp), e.g. line 2: "EUR".',
            id="upper-case-code",
        ),
        pytest.param(
            ("euro,2025-01-01,1.08",),
            "fx_rates.csv, column currency: 1 row has a currency that is not an ISO 4217 code in lower case "
            '(such as usd, eur or gbp), e.g. line 2: "euro".',
            id="not-a-code",
        ),
        pytest.param(
            ("eur,2025-01-15,1.08",),
            "fx_rates.csv, column month: 1 row has a month that is not the first day of a month (months are "
            'written as 2025-03-01), e.g. line 2: "2025-01-15".',
            id="not-a-month",
        ),
    ],
)
def test_malformed_rates_are_refused_in_one_sentence(inputs, lines, expected):
    _rates(inputs, *lines)

    assert expected in _problems(inputs)


def test_a_run_with_a_missing_rate_fails_and_leaves_the_published_file_as_it_was(inputs, tmp_path, capsys):
    _bill_in(inputs, "inv_1", "gbp")  # period_start 2025-01-01
    _bill_in(inputs, "inv_2", "gbp")  # period_start 2025-02-01, the same billing account
    _rates(inputs, "gbp,2025-01-01,1.27")
    published = tmp_path / "revops.duckdb"
    published.write_bytes(b"the file a previous run published")
    before = hashlib.sha256(published.read_bytes()).hexdigest()

    code = main(["run", "--data-dir", str(inputs), "--db", str(published)])
    stderr = capsys.readouterr().err

    assert code == 2
    assert (
        "error: invoices.csv, column currency: 1 row has currency gbp in 2025-02 (the month of period_start), "
        "which has no rate in fx_rates.csv" in stderr
    )
    assert stderr.rstrip().endswith("revops run failed; nothing was published.")
    assert hashlib.sha256(published.read_bytes()).hexdigest() == before


def _contract_in(directory: Path, currency: str) -> None:
    """Give contracts.csv a currency column with `currency` for its one contract (ctr_1: credits on cus_4,
    usage on cus_5, starting 2025-01-01)."""
    path = directory / "contracts.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["currency"] = currency
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_contract_currency_without_a_rate_for_its_start_month_is_refused(inputs):
    # ctr_1 and its accounts' invoices (inv_4 on cus_4, inv_5 on cus_5) all in gbp, which has no rate.
    _contract_in(inputs, "gbp")
    _bill_in(inputs, "inv_4", "gbp")
    _bill_in(inputs, "inv_5", "gbp")

    problems = _problems(inputs)

    assert (
        "contracts.csv, column currency: 1 row has currency gbp in 2025-01 (the month of start_date), which has "
        "no rate in fx_rates.csv; add a row with currency gbp, month 2025-01-01 and its usd_per_unit, e.g. line 2: "
        'currency "gbp", start_date "2025-01-01".'
    ) in problems
    assert not [problem for problem in problems if "other than that of" in problem]


def test_a_contract_in_a_currency_with_a_rate_and_its_accounts_billed_in_it_is_let_in(inputs):
    _contract_in(inputs, "eur")
    _bill_in(inputs, "inv_4", "eur")
    _bill_in(inputs, "inv_5", "eur")

    assert validate(inputs)["contracts"] == 1


def test_a_contract_in_another_currency_than_its_accounts_invoices_is_refused(inputs):
    # eur has a rate for 2025-01 (the valid input's fx_rates); cus_4 and cus_5 bill in usd.
    _contract_in(inputs, "eur")

    problems = _problems(inputs)

    assert problems == [
        "contracts.csv, column currency: 1 row has a currency other than that of the invoices of its credits or "
        "usage billing account (a contract's price is matched with its credit purchases, and its credits with what "
        'its usage account draws, in one currency), e.g. line 2: contract_id "ctr_1", currency "eur", '
        'invoices in "usd".'
    ]


def test_a_contract_whose_usage_account_alone_bills_in_another_currency_is_refused(inputs):
    # ctr_1 and its credits account's invoice (inv_4 on cus_4) in eur; its usage account cus_5 bills in usd.
    _contract_in(inputs, "eur")
    _bill_in(inputs, "inv_4", "eur")

    problems = _problems(inputs)

    assert problems == [
        "contracts.csv, column currency: 1 row has a currency other than that of the invoices of its credits or "
        "usage billing account (a contract's price is matched with its credit purchases, and its credits with what "
        'its usage account draws, in one currency), e.g. line 2: contract_id "ctr_1", currency "eur", '
        'invoices in "eur, usd".'
    ]


def test_a_contracts_file_without_currency_is_in_usd_and_refused_when_its_accounts_bill_in_eur(inputs):
    # cus_4's only invoice, the contract's credit purchase, in eur; the usage account cus_5 bills in usd.
    _bill_in(inputs, "inv_4", "eur")

    problems = _problems(inputs)

    assert problems == [
        "contracts.csv, column currency: 1 row has a currency other than that of the invoices of its credits or "
        "usage billing account (a contract's price is matched with its credit purchases, and its credits with what "
        "its usage account draws, in one currency); the file has no currency column, so its contracts are in usd, "
        'e.g. line 2: contract_id "ctr_1", invoices in "eur, usd".'
    ]


def test_a_billing_account_billed_in_two_currencies_is_refused(inputs):
    # cus_1 has inv_1 (line 2) and inv_2 (line 3); eur has rates for both months.
    _bill_in(inputs, "inv_1", "eur")

    problems = _problems(inputs)

    assert problems == [
        "invoices.csv, column currency: 2 rows have a currency other than that of another invoice of the same "
        "billing_customer_id (a billing account bills in one currency: its credits carry none of their own and are "
        'taken in it), e.g. line 2: billing_customer_id "cus_1", currency "eur"; line 3: billing_customer_id "cus_1", '
        'currency "usd".'
    ]
