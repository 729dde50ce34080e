"""`revops check`: validate and profile an input without building. The expected profile of the
hand-written valid input (conftest.VALID_INPUTS) is worked out from its rows; each warning fires on an
input crafted to show it, and bad input fails with `revops run`'s exit code and sentence."""

from __future__ import annotations

from pathlib import Path

from revops.cli import main


def check(capsys, directory: Path, *options: str) -> tuple[int, str, list[str]]:
    """The exit code, standard output and the error and warning lines (progress left out)."""
    code = main(["check", "--data-dir", str(directory), *options])
    captured = capsys.readouterr()
    said = [line for line in captured.err.splitlines() if line.startswith(("error: ", "warning: ", "revops "))]
    return code, captured.out, said


def test_a_valid_input_prints_its_profile_and_exits_0(capsys, valid_inputs):
    code, out, err = check(capsys, valid_inputs)
    assert code == 0, err
    assert err == []
    # Invoices start periods in January (six) and February (inv_2); usage is January and February.
    assert "Invoice months: 2025-01 to 2025-02 (2 months with invoices)" in out
    assert "Usage months: 2025-01 to 2025-02 (2 months with usage)" in out
    # org_4 has ctr_1 (paid every 12 months), org_3 a startup-plan account (cus_3), org_1 and org_2
    # positive recognised invoices, org_5 only a void one.
    assert "Organizations by billing configuration: paid 2, enterprise_yearly 1, free 1, startup_plan 1" in out
    assert "Currencies (invoices): usd 7" in out
    # product_analytics is on li_1 and li_3, both org_1's; every other product on one line.
    assert "product_analytics 2 lines (1 organization)" in out
    assert "surveys 1 line (1 organization)" in out
    assert "Credit reasons: credits: Incident Credit 1; refunds: Bug Credit 1" in out
    assert "invoices.csv 7 rows" in out


def test_bad_input_fails_as_the_run_does_with_one_line(capsys, valid_inputs):
    organizations = valid_inputs / "organizations.csv"
    organizations.write_text(organizations.read_text() + "org_1,Acme again,2024-01-15T09:30:00Z,US,Software,120\n")
    code, out, err = check(capsys, valid_inputs)
    errors = [line for line in err if line.startswith("error: ")]
    assert len(errors) == 1
    assert errors[0].startswith("error: organizations.csv, column organization_id: ")
    assert "org_1" in errors[0]
    assert err[-1] == "revops check failed."
    assert out == ""
    run_code = main(["run", "--data-dir", str(valid_inputs), "--db", str(valid_inputs.parent / "never.duckdb")])
    run_err = capsys.readouterr().err
    assert code == run_code == 2
    assert errors[0] in run_err.splitlines()


def test_a_missing_folder_exits_2(capsys, tmp_path):
    code, _out, err = check(capsys, tmp_path / "absent")
    assert code == 2
    assert "does not exist" in err[0]


def test_a_month_without_invoices_is_a_warning(capsys, valid_inputs):
    invoices = valid_inputs / "invoices.csv"
    # inv_2 moves from February to March: February has no invoice between January and March.
    invoices.write_text(
        invoices.read_text().replace(
            "inv_2,cus_1,usage,open,2025-02-01,2025-02-28", "inv_2,cus_1,usage,open,2025-03-01,2025-03-31"
        )
    )
    code, out, err = check(capsys, valid_inputs)
    assert code == 0, err
    assert err == [
        "warning: invoices.csv: no invoice's period starts in 2025-02, between the first and the last month with "
        "invoices (a gap in the export? every customer would show as churned that month)."
    ]
    assert "Invoice months: 2025-01 to 2025-03 (2 months with invoices)" in out


def test_an_organization_without_a_billing_account_is_a_warning(capsys, valid_inputs):
    organizations = valid_inputs / "organizations.csv"
    organizations.write_text(organizations.read_text() + "org_6,Delta,2024-05-01T00:00:00Z,US,,\n")
    code, out, err = check(capsys, valid_inputs)
    assert code == 0, err
    assert err == [
        "warning: organizations.csv: 1 organization has no billing account in billing_customers.csv and no "
        'organization rolling up into it, so it bills nothing: "org_6".'
    ]
    # org_6 bills nothing: one more free organization.
    assert "free 2" in out


def test_a_credit_purchase_matching_no_contract_is_a_warning(capsys, valid_inputs):
    # Without contracts.csv, inv_4 (cus_4's credit purchase) is billed to no contract's credits account.
    (valid_inputs / "contracts.csv").unlink()
    code, out, err = check(capsys, valid_inputs)
    assert code == 0, err
    assert err == [
        "warning: invoices.csv: 1 credit purchase matches no contract (billed to no contract's "
        'credits_billing_customer_id, or after its contracts ended), so it is spread over its own period: "inv_4".'
    ]
    assert "enterprise_yearly" not in out


def test_a_credit_purchase_after_its_contract_ended_is_a_warning(capsys, valid_inputs):
    contracts = valid_inputs / "contracts.csv"
    # ctr_1 ran 2024-01-01 for 12 months: inv_4, for January 2025, comes after it ended.
    contracts.write_text(contracts.read_text().replace("0.2,2025-01-01,12,12", "0.2,2024-01-01,12,12"))
    code, _out, err = check(capsys, valid_inputs)
    assert code == 0, err
    assert [line for line in err if "credit purchase" in line] == [
        "warning: invoices.csv: 1 credit purchase matches no contract (billed to no contract's "
        'credits_billing_customer_id, or after its contracts ended), so it is spread over its own period: "inv_4".'
    ]
