"""The runner end to end: good data publishes; bad input fails clearly and publishes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import write_valid_inputs
from revops import DEMO_DATA_DIR, PROJECT_DIR, contract, pipeline
from revops.cli import main
from revops.dbt_runner import DbtOutcome, invoke
from revops.errors import RevopsError

PUBLISHED_TABLES = {
    "mrr_monthly",
    "mrr_product_monthly",
    "revenue_adjustments",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A private copy of the demo input to corrupt."""
    copy = tmp_path / "input"
    shutil.copytree(DEMO_DATA_DIR, copy)
    return copy


@pytest.fixture
def previous(published, tmp_path) -> Path:
    """A published file that a failed run must leave byte-for-byte as it was."""
    db = tmp_path / "published.duckdb"
    shutil.copyfile(published, db)
    return db


def test_good_data_publishes_the_contract_tables(published):
    with duckdb.connect(str(published), read_only=True) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        assert tables >= PUBLISHED_TABLES
        for table in tables:
            assert connection.execute(f"select count(*) from marts.{table}").fetchone()[0] > 0, table
        schemas = {name for (name,) in connection.execute("select schema_name from duckdb_schemas()").fetchall()}
        assert "raw" not in schemas and "staging" not in schemas
        (fingerprint,) = connection.execute("select input_fingerprint from meta.build_info").fetchone()
        assert len(fingerprint) == 64


def test_no_personal_data_is_published(published):
    # People's names (sales reps) and emails (billing accounts) are personal data; a business's name is not,
    # and the organization's name is published as customers.company_name.
    personal = {
        (table.name, column.name)
        for table in contract.tables().values()
        for column in table.columns
        if column.personal_data
    }
    assert personal == {("sales_reps", "name"), ("billing_customers", "email")}
    assert not contract.tables()["organizations"].column("name").personal_data
    with duckdb.connect(str(published), read_only=True) as connection:
        columns = connection.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = current_database()"
        ).fetchall()
        assert not {name for _, _, name, _ in columns} & {"email", "name"}
        connection.execute(
            "create temp table personal_values as "
            f"select name as value from read_csv('{DEMO_DATA_DIR / 'sales_reps.csv'}') where name is not null "
            f"union select email from read_csv('{DEMO_DATA_DIR / 'billing_customers.csv'}') where email is not null"
        )
        assert connection.execute("select count(*) from personal_values").fetchone()[0] > 100
        for schema, table, column, data_type in columns:
            if data_type == "VARCHAR":
                found = connection.execute(
                    f'select count(*) from "{schema}"."{table}" where "{column}" in (select value from personal_values)'
                    f" or \"{column}\" like '%@%'"
                ).fetchone()[0]
                assert found == 0, f"{schema}.{table}.{column} holds personal data"
        names = connection.execute(
            "select count(*), count(company_name), count(distinct company_name) from marts.customers"
        ).fetchone()
        assert names[0] == names[1] == names[2] > 300


def _run(capsys, data_dir: Path, db: Path) -> tuple[int, str]:
    code = main(["run", "--data-dir", str(data_dir), "--db", str(db)])
    return code, capsys.readouterr().err


def _first_data_line(path: Path) -> str:
    return path.read_text().splitlines()[1]


def _set_field(path: Path, column: str, value: str, line: int = 1) -> str:
    """Set one field of data line `line` (1 = first row after the header); returns the old value."""
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    fields = lines[line].split(",")
    old = fields[header.index(column)]
    fields[header.index(column)] = value
    lines[line] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    return old


def corrupt_duplicate_key(data_dir: Path) -> tuple[str, str]:
    invoices = data_dir / "invoices.csv"
    with invoices.open("a") as handle:
        handle.write(_first_data_line(invoices) + "\n")
    return "invoices.csv", "invoice_id"


def corrupt_unknown_product(data_dir: Path) -> tuple[str, str]:
    _set_field(data_dir / "invoice_line_items.csv", "product_key", "sesion_replay")
    return "invoice_line_items.csv", "product_key"


def corrupt_negative_amount(data_dir: Path) -> tuple[str, str]:
    _set_field(data_dir / "invoice_line_items.csv", "amount_usd", "-12.50")
    return "invoice_line_items.csv", "amount_usd"


def corrupt_wrong_currency(data_dir: Path) -> tuple[str, str]:
    # The demo bills in usd, eur and gbp with rates for those; jpy has none.
    _set_field(data_dir / "invoices.csv", "currency", "jpy")
    return "invoices.csv", "currency"


def corrupt_period_end_before_start(data_dir: Path) -> tuple[str, str]:
    _set_field(data_dir / "invoices.csv", "period_end", "2000-01-01")
    return "invoices.csv", "period_end"


def corrupt_orphan_line_item(data_dir: Path) -> tuple[str, str]:
    _set_field(data_dir / "invoice_line_items.csv", "invoice_id", "inv_does_not_exist")
    return "invoice_line_items.csv", "invoice_id"


def corrupt_missing_column(data_dir: Path) -> tuple[str, str]:
    path = data_dir / "invoice_line_items.csv"
    lines = path.read_text().splitlines()
    index = lines[0].split(",").index("amount_usd")
    path.write_text(
        "\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != index) for line in lines) + "\n"
    )
    return "invoice_line_items", "amount_usd"


def corrupt_missing_file(data_dir: Path) -> tuple[str, str]:
    (data_dir / "invoices.csv").unlink()
    return "invoices", "required"


def corrupt_unparseable_date(data_dir: Path) -> tuple[str, str]:
    _set_field(data_dir / "invoices.csv", "period_start", "2025-13-45")
    return "invoices.csv", "period_start"


BAD_INPUTS = [
    corrupt_duplicate_key,
    corrupt_unknown_product,
    corrupt_negative_amount,
    corrupt_wrong_currency,
    corrupt_period_end_before_start,
    corrupt_orphan_line_item,
    corrupt_missing_column,
    corrupt_missing_file,
    corrupt_unparseable_date,
]


@pytest.mark.parametrize("corrupt", BAD_INPUTS, ids=lambda corrupt: corrupt.__name__.removeprefix("corrupt_"))
def test_bad_input_fails_clearly_and_publishes_nothing(corrupt, data_dir, previous, capsys):
    before = digest(previous)
    file_name, column = corrupt(data_dir)

    code, stderr = _run(capsys, data_dir, previous)

    assert code == 2
    assert "Traceback" not in stderr
    problems = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert problems, stderr
    assert any(file_name in line and column in line for line in problems), stderr
    assert "nothing was published" in stderr
    assert digest(previous) == before
    assert not list(previous.parent.glob(".published.duckdb*"))


def test_an_interrupted_build_leaves_the_published_file_unchanged(data_dir, previous, capsys, monkeypatch):
    before = digest(previous)

    def interrupted_build(args, *, db_path, **kwargs):
        Path(db_path).write_bytes(b"half-written build")
        raise KeyboardInterrupt

    monkeypatch.setattr("revops.pipeline.invoke", interrupted_build)
    code, stderr = _run(capsys, data_dir, previous)

    assert code == 130
    assert "interrupted" in stderr and "nothing was published" in stderr
    assert digest(previous) == before
    assert not list(previous.parent.glob(".published.duckdb*"))


def test_a_failing_dbt_test_publishes_nothing(data_dir, previous, capsys, monkeypatch):
    """With the key check bypassed, a duplicate invoice reaches dbt: its unique test fails and nothing is published."""
    before = digest(previous)
    corrupt_duplicate_key(data_dir)
    monkeypatch.setattr("revops.validate._key_problems", lambda connection, found: [])

    code, stderr = _run(capsys, data_dir, previous)

    assert code == 1
    assert "Traceback" not in stderr
    assert "unique_stg_billing__invoices_invoice_id" in stderr
    assert digest(previous) == before
    assert not list(previous.parent.glob(".published.duckdb*"))


def test_export_writes_every_table_with_a_manifest(published, tmp_path, capsys):
    out = tmp_path / "exports"
    assert main(["export", "--db", str(published), "--out", str(out), "--format", "all"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    names = {entry["table"] for entry in manifest["tables"]}
    assert names >= PUBLISHED_TABLES
    with duckdb.connect() as connection:
        for entry in manifest["tables"]:
            parquet = out / entry["files"]["parquet"]
            csv = out / entry["files"]["csv"]
            assert connection.execute(f"select count(*) from '{parquet}'").fetchone()[0] == entry["rows"]
            assert connection.execute(f"select count(*) from read_csv('{csv}')").fetchone()[0] == entry["rows"]
    assert len(manifest["input_fingerprint"]) == 64


def _in_grain_order(rows: list[tuple]) -> bool:
    """Rows sorted by their columns in order, empty values first (the export's `nulls first`)."""
    keys = [tuple((value is not None, value) for value in row) for row in rows]
    return keys == sorted(keys)


def test_exports_come_out_in_grain_order_and_the_manifest_names_no_path(published, tmp_path):
    out = tmp_path / "exports"
    assert main(["export", "--db", str(published), "--out", str(out), "--format", "all"]) == 0
    text = (out / "manifest.json").read_text()
    manifest = json.loads(text)
    assert manifest["database"] == published.name
    assert str(published.parent) not in text and str(tmp_path) not in text and '"/' not in text
    ordered = 0
    with duckdb.connect() as connection:
        for entry in manifest["tables"]:
            grain = entry["grain"]
            assert grain, f"{entry['table']} declares no grain in its YAML"
            assert entry["order_by"] == grain
            columns = ", ".join(f'"{name}"' for name in grain)
            parquet = connection.execute(f"select {columns} from '{out / entry['files']['parquet']}'").fetchall()
            assert _in_grain_order(parquet), entry["table"]
            assert len(set(parquet)) == len(parquet) == entry["rows"], entry["table"]
            csv = connection.execute(
                f"select {columns} from read_csv('{out / entry['files']['csv']}', all_varchar = true)"
            ).fetchall()
            assert csv == [tuple(None if value is None else str(value) for value in row) for row in parquet]
            ordered += len(parquet) > 1
    assert ordered >= 20
    months = [row["month"] for row in csv_rows(out / "retention_rolling_monthly.csv")]
    assert months == sorted(months) and months[0] < months[-1]


def csv_rows(path: Path) -> list[dict]:
    import csv

    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_mart_declares_the_grain_its_grain_test_checks():
    # The export orders by `config.meta.grain`; the grain tests prove it: the two must name the same columns.
    declared = 0
    for path in sorted((PROJECT_DIR / "models").rglob("_*.yml")):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            config = model.get("config") or {}
            if (
                "marts" not in path.parts
                and config.get("schema") != "marts"
                and model["name"] != "metricflow_time_spine"
            ):
                continue
            grain = (config.get("meta") or {}).get("grain")
            assert grain, f"{model['name']} ({path.name}) declares no grain"
            tested = [
                test["unique_combination_of_columns"]["arguments"]["combination_of_columns"]
                for test in model.get("data_tests") or []
                if isinstance(test, dict) and "unique_combination_of_columns" in test
            ] + [
                [column["name"]]
                for column in model.get("columns") or []
                if "unique" in (column.get("data_tests") or [])
            ]
            assert grain in tested, f"{model['name']}: grain {grain} is not what its grain test checks ({tested})"
            declared += 1
    assert declared >= 20


def test_export_of_a_missing_database_is_a_clear_error(tmp_path, capsys):
    code = main(["export", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "out")])
    assert code == 1
    assert "run `revops run` first" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "select distinct billing_configuration from marts.mrr_monthly",
            {"free", "paid", "startup_plan", "enterprise_yearly", "enterprise_amortized"},
        ),
        (
            "select distinct adjustment_type from marts.revenue_adjustments",
            {"consolidation", "constant_currency", "trial", "one_time_credit", "spike", "annual_plan"},
        ),
        (
            "select distinct stage from marts.customer_lifecycle_monthly",
            {"NEW", "REACTIVATED", "FLAT", "GROWING", "SHRINKING", "CHURNED"},
        ),
        ("select distinct lookback_months from marts.retention_rolling_monthly", {3, 6, 12}),
    ],
    ids=["billing_configurations", "adjustment_types", "lifecycle_stages", "lookbacks"],
)
def test_the_demo_company_exercises_every_case(published, query, expected):
    with duckdb.connect(str(published), read_only=True) as connection:
        found = {value for (value,) in connection.execute(query).fetchall()}
    assert found == expected


ACCOUNTS = "marts.tam_quota_account_quarterly"
REPS = "marts.tam_quota_attainment_quarterly"


def _demo_input(name: str) -> str:
    return f"read_csv('{DEMO_DATA_DIR / name}.csv', header = true)"


# Each quota rule and case, as a query counting the published rows (joined to the demo input where the
# case is defined by it) that show it. A case the demo company does not exercise counts 0.
QUOTA_CASES = {
    "new_customer": f"select count(*) from {ACCOUNTS} where is_new_customer",
    "churned": f"select count(*) from {ACCOUNTS} where is_churned",
    "annual_contract": f"select count(*) from {ACCOUNTS} where has_annual_contract",
    "grace_period": f"select count(*) from {ACCOUNTS} where in_grace_period",
    "approved_optimization": f"select count(*) from {ACCOUNTS} where optimization_excluded",
    "not_commissionable": f"select count(*) from {ACCOUNTS} where not is_commissionable",
    "ramping_team_member": (
        "select count(*) from marts.team_quota_attainment_quarterly where ramping_members > 0 and ramped_members > 0"
    ),
    "first_quarter_of_the_data_is_empty": f"""
        select least(
            (select count(*) from {ACCOUNTS}
             where is_first_reported_quarter and attainment_usd is null and attainment_empty_reason = 'first_quarter_of_data'),
            (select count(*) from {REPS}
             where is_first_reported_quarter and attainment_usd is null and attainment_empty_reason = 'first_quarter_of_data')
        )
    """,
    "conversion_on_flat_usage_is_zero": f"""
        select count(*) from {ACCOUNTS}
        where previous_quarter_own_run_rate_usd = 0 and contract_run_rate_usd > 0 and attainment_usd = 0
          and previous_quota_arr_as_reported_usd > previous_quota_arr_usd
    """,
    "non_renewal_on_flat_usage_is_zero": f"""
        select count(*) from {ACCOUNTS}
        where previous_quarter_own_run_rate_usd > 0 and contract_run_rate_usd = 0 and attainment_usd = 0
          and previous_quota_arr_as_reported_usd < previous_quota_arr_usd
    """,
    "upsized_renewal_on_flat_usage_is_zero": f"""
        with contracts as (select * from {_demo_input("contracts")}),
        renewals as (
            select renewal.organization_id, renewal.start_date
            from contracts as renewal
            join contracts as original
              on original.organization_id = renewal.organization_id
             and original.start_date + to_months(original.term_months) = renewal.start_date
             and renewal.credit_usd / renewal.term_months > original.credit_usd / original.term_months
            where renewal.replaces_contract_id is null
        )
        select count(*) from {ACCOUNTS} as account
        join renewals
          on account.organization_id = renewals.organization_id
         and account.quarter_start_month = date_trunc('quarter', renewals.start_date)
        where account.attainment_usd = 0 and account.contract_run_rate_usd > account.previous_quarter_own_run_rate_usd
    """,
    "coterminus_expansion_on_flat_usage_is_zero": f"""
        with contracts as (select * from {_demo_input("contracts")}),
        expansions as (
            select expansion.organization_id, expansion.start_date
            from contracts as expansion
            join contracts as original
              on original.organization_id = expansion.organization_id
             and original.start_date < expansion.start_date
             and original.start_date + to_months(original.term_months)
               = expansion.start_date + to_months(expansion.term_months)
            where expansion.replaces_contract_id is null
        )
        select count(*) from {ACCOUNTS} as account
        join expansions
          on account.organization_id = expansions.organization_id
         and account.quarter_start_month = date_trunc('quarter', expansions.start_date)
        where account.attainment_usd = 0 and account.contract_run_rate_usd > account.previous_quarter_own_run_rate_usd
    """,
    "early_renewal_on_flat_usage_is_zero": f"""
        with contracts as (select * from {_demo_input("contracts")}),
        early_renewals as (
            select renewal.organization_id, renewal.start_date
            from contracts as renewal
            join contracts as original
              on original.contract_id = renewal.replaces_contract_id
             and renewal.start_date < original.start_date + to_months(original.term_months)
        )
        select count(*) from {ACCOUNTS} as account
        join early_renewals
          on account.organization_id = early_renewals.organization_id
         and account.quarter_start_month = date_trunc('quarter', early_renewals.start_date)
        where account.attainment_usd = 0 and account.has_annual_contract
    """,
    "growth_beyond_the_run_rate_counts": f"""
        select count(*) from {ACCOUNTS}
        where has_annual_contract and contract_run_rate_usd = previous_quarter_own_run_rate_usd
          and usage_beyond_run_rate_usd > previous_usage_beyond_run_rate_usd and attainment_usd > 0
    """,
    "mid_quarter_handover_stays_with_the_first_day_owner": f"""
        with owners as (select * from {_demo_input("account_owners")} where segment = 'AM Managed'),
        handovers as (
            select handed.organization_id, kept.owner_id, date_trunc('quarter', handed.start_date) as quarter_start
            from owners as handed
            join owners as kept
              on kept.organization_id = handed.organization_id
             and kept.owner_id <> handed.owner_id
             and kept.end_date = handed.start_date - interval 1 day
             and kept.start_date <= date_trunc('quarter', handed.start_date)
            where handed.start_date > date_trunc('quarter', handed.start_date)
        )
        select count(*) from {ACCOUNTS} as account
        join handovers
          on account.organization_id = handovers.organization_id
         and account.quarter_start_month = handovers.quarter_start
         and account.owner_id = handovers.owner_id
    """,
    "unpaid_first_invoice_then_commissionable": f"""
        with invoices as (select * from {_demo_input("invoices")}),
        customers as (select * from {_demo_input("billing_customers")}),
        ranked as (
            select customers.organization_id, invoices.paid_at,
                   row_number() over (partition by customers.organization_id order by invoices.period_start) as position
            from invoices join customers using (billing_customer_id)
            where invoices.invoice_type = 'usage' and invoices.status not in ('void', 'draft') and invoices.total_usd > 0
        )
        select count(*) from {ACCOUNTS} as account
        join ranked on account.organization_id = ranked.organization_id and ranked.position = 1
        where ranked.paid_at is null and account.is_commissionable and account.commissionable_attainment_usd > 0
          and not account.has_annual_contract
    """,
    "late_paid_quarter_held_back_then_paid": f"""
        select count(*) from {ACCOUNTS} as account
        join {REPS} as rep on rep.owner_id = account.owner_id and rep.quarter = account.held_back_paid_in_quarter
        where account.held_back_attainment_usd > 0 and not account.is_quarter_in_progress
          and rep.released_held_back_attainment_usd >= account.held_back_attainment_usd
          and rep.released_held_back_commission_usd > 0
    """,
    "ramp_start_before_the_15th": f"""
        select count(*) from {REPS} as rep join {_demo_input("sales_reps")} as input using (owner_id)
        where day(input.role_start_date) < 15 and rep.first_ramp_month = date_trunc('month', input.role_start_date)
          and rep.ramp_months_in_quarter > 0 and rep.ramp_fixed_pay_usd > 0
    """,
    "ramp_start_from_the_15th_with_pro_rated_formula": f"""
        select count(*) from {REPS} as rep join {_demo_input("sales_reps")} as input using (owner_id)
        where day(input.role_start_date) >= 15
          and rep.first_ramp_month = date_trunc('month', input.role_start_date) + interval 1 month
          and rep.ramp_months_in_quarter > 0 and rep.formula_months_in_quarter > 0
    """,
    "lead_promoted_mid_quarter": f"""
        select count(*) from {REPS} as promoted
        join {REPS} as next_quarter
          on next_quarter.owner_id = promoted.owner_id
         and next_quarter.quarter_start_month = promoted.quarter_start_month + interval 3 month
        where promoted.is_team_lead and not promoted.is_on_team_lead_plan and promoted.commission_basis = 'individual'
          and next_quarter.is_on_team_lead_plan and next_quarter.commission_basis = 'team'
    """,
    "payout_never_negative": f"select count(*) from {REPS} where commission_attainment_pct < 0 and commission_usd = 0",
}


@pytest.mark.parametrize(("case", "query"), QUOTA_CASES.items(), ids=list(QUOTA_CASES))
def test_the_demo_tam_books_exercise_every_quota_rule(published, case, query):
    with duckdb.connect(str(published), read_only=True) as connection:
        (count,) = connection.execute(query).fetchone()
    assert count > 0, case


# The revenue cases real billing data brings, each seen in the published demo build (joined to the demo
# input where the case lives in the input). Each query counts the rows that show the case.
DEMO_REVENUE_CASES = {
    "credit_purchase_dated_before_its_contract_pays_the_first_period": """
        with first_periods as (
            select contract.organization_id, contract.start_date, contract.payment_cadence_months
            from read_csv('{demo}/contracts.csv') as contract
            join read_csv('{demo}/invoices.csv') as invoice
              on invoice.billing_customer_id = contract.credits_billing_customer_id
            where invoice.invoice_type = 'credit_purchase' and invoice.period_start = invoice.period_end
              and invoice.period_start < contract.start_date
              and invoice.period_start >= contract.start_date - interval 10 day
        )
        select count(*) from first_periods
        where (select count(*) from marts.mrr_monthly as mrr
               where mrr.organization_id = first_periods.organization_id
                 and mrr.month >= first_periods.start_date
                 and mrr.month < first_periods.start_date + to_months(first_periods.payment_cadence_months)
                 and mrr.mrr_usd > 0
                 and mrr.billing_configuration like 'enterprise%') = first_periods.payment_cadence_months
    """,
    "trial_of_a_child_team_leaves_the_parent_revenue": """
        select count(*) from marts.revenue_adjustments
        where adjustment_type = 'trial' and product_key is null and mrr_after_usd > 0
    """,
    "qualifying_credit_without_a_dip_changes_nothing": """
        with qualifying as (
            select customer.organization_id, credit.applies_to_month as month, sum(credit.amount_usd) as amount_usd
            from read_csv('{demo}/credits.csv') as credit
            join read_csv('{demo}/billing_customers.csv') as customer using (billing_customer_id)
            where credit.reason in ('Promo Credit', 'Incident Credit', 'Bug Credit')
            group by all
        )
        select count(*) from qualifying
        join marts.mrr_monthly as current using (organization_id, month)
        join marts.mrr_monthly as previous
          on previous.organization_id = current.organization_id and previous.month = current.month - interval 1 month
        where qualifying.amount_usd >= 0.5 * previous.mrr_after_trials_usd and previous.mrr_after_trials_usd > 0
          and current.mrr_after_trials_usd >= previous.mrr_after_trials_usd and not current.is_one_time_credit_month
          and not current.is_provisional
    """,
    "spike_in_a_customers_second_month": """
        with first_months as (select organization_id, min(month) as first_month from marts.mrr_monthly group by 1)
        select count(*) from marts.revenue_adjustments as adjustment join first_months using (organization_id)
        where adjustment.adjustment_type = 'spike' and adjustment.product_key is null
          and adjustment.month = first_months.first_month + interval 1 month
    """,
    "startup_credits_after_expiry_are_paid_revenue": """
        select count(*) from read_csv('{demo}/invoices.csv') as invoice
        join read_csv('{demo}/billing_customers.csv') as customer using (billing_customer_id)
        join marts.mrr_monthly as mrr
          on mrr.organization_id = customer.organization_id and mrr.month = invoice.period_start
        where customer.is_startup_plan and invoice.invoice_type = 'usage' and invoice.credit_applied_usd > 0
          and invoice.period_start > customer.startup_credit_expires_on
          and mrr.billing_configuration = 'paid' and mrr.mrr_usd >= invoice.credit_applied_usd
    """,
    "three_years_of_lifecycle_history_beyond_the_window": """
        select count(*) from (
            select count(distinct month) as months, count(distinct case when not is_in_analysis_window then month end)
                as months_before_the_window
            from marts.lifecycle_components_monthly
        ) where months >= 36 and months_before_the_window >= 18
    """,
    "cross_sell_and_a_small_first_bill_of_another_product_without_the_flag": """
        select least(
            (select count(*) from marts.product_lifecycle_monthly where is_cross_sell),
            (select count(*) from marts.product_lifecycle_monthly as product
             where product.stage = 'NEW' and not product.is_cross_sell and product.mrr_usd < 100
               and exists (
                 select 1 from marts.product_lifecycle_monthly as other
                 where other.organization_id = product.organization_id and other.product_key <> product.product_key
                   and other.month < product.month and other.mrr_usd > 0))
        )
    """,
}


@pytest.mark.parametrize("case", sorted(DEMO_REVENUE_CASES))
def test_the_demo_company_exercises_every_revenue_case(published, case):
    query = DEMO_REVENUE_CASES[case].format(demo=DEMO_DATA_DIR)
    with duckdb.connect(str(published), read_only=True) as connection:
        (found,) = connection.execute(query).fetchone()
    assert found > 0, case


# ---------------------------------------------------------------------------------------------
# Every failure is one line and the documented exit code


def _error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


def test_a_missing_data_directory_is_bad_input(tmp_path, previous, capsys):
    code, stderr = _run(capsys, tmp_path / "no-such-folder", previous)
    assert code == 2
    assert _error_lines(stderr) == [f"error: The input directory {tmp_path / 'no-such-folder'} does not exist."]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--var", "spike_min_increase=5"],
            "--var spike_min_increase is not a variable of the project; the variables are",
        ),
        (["--var", "as_of_month=2025-01-01"], "--var as_of_month: use --as-of instead."),
        (["--var", "include_tax_in_mrr"], "--var 'include_tax_in_mrr' is not NAME=VALUE."),
        (["--as-of", "2025-13"], "argument --as-of: '2025-13' is not a month like 2026-10"),
        (["--memory-limit", "lots"], "--memory-limit 'lots' is not a size like 6GB, 4096MiB or 40%."),
        (["--memory-limit", "100MB"], "--memory-limit 100MB: give DuckDB at least 256MiB."),
    ],
    ids=["unknown-variable", "variable-with-its-own-option", "no-value", "bad-month", "bad-size", "too-small"],
)
def test_a_bad_command_line_is_one_line_and_exit_2(tmp_path, previous, capsys, arguments, message):
    with pytest.raises(SystemExit) as exited:
        code = main(["run", "--data-dir", str(DEMO_DATA_DIR), "--db", str(previous), *arguments])
        raise SystemExit(code)
    stderr = capsys.readouterr().err
    assert exited.value.code == 2
    lines = _error_lines(stderr)
    assert len(lines) == 1 and message in lines[0], stderr
    if "is not a variable" in message:
        assert "spike_min_increase_usd" in lines[0] and "data_dir" not in lines[0]


def test_export_to_an_existing_file_is_one_line(published, tmp_path, capsys):
    taken = tmp_path / "exports"
    taken.write_text("not a folder")
    assert main(["export", "--db", str(published), "--out", str(taken)]) == 1
    assert _error_lines(capsys.readouterr().err) == [
        f"error: --out {taken} is a file; name a folder to write the tables into."
    ]


_REAL_OPEN = os.open


@contextlib.contextmanager
def _read_only(folder: Path, monkeypatch):
    """The folder refuses new files: chmod for an ordinary user; for root, which chmod does not stop,
    the immutable attribute (chattr) where the file system has it, else os.open refusing the folder."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        return
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if Path(path).parent == folder and flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    try:
        yield
    finally:
        monkeypatch.setattr(os, "open", real_open)


def test_a_read_only_folder_is_one_line(valid_inputs, previous, capsys, monkeypatch):
    before = digest(previous)
    with _read_only(previous.parent, monkeypatch):
        code, stderr = _run(capsys, valid_inputs, previous)
    assert code == 1
    lines = _error_lines(stderr)
    assert len(lines) == 1 and str(previous.parent) in lines[0], stderr
    assert "Operation not permitted" in lines[0] or "Permission denied" in lines[0]
    assert stderr.rstrip().endswith("revops run failed; nothing was published.")
    assert digest(previous) == before


def test_a_folder_that_turns_read_only_before_publishing_is_one_line(
    valid_inputs, published, previous, capsys, monkeypatch
):
    """The build passed (a copy of a published file stands in for it); then the folder refuses the new file."""
    before = digest(previous)
    real_publish = pipeline.publish

    def build(args, *, db_path, **kwargs):
        shutil.copyfile(published, db_path)
        return DbtOutcome(seconds=0.0, counts={"pass": 1})

    def publish_into_a_read_only_folder(*args, **kwargs):
        with _read_only(previous.parent, monkeypatch):
            if os.open is not _REAL_OPEN:  # no way to make the folder refuse DuckDB: refuse as it would
                raise PermissionError(13, "Permission denied", str(previous.parent / ".published.duckdb.publishing"))
            return real_publish(*args, **kwargs)

    monkeypatch.setattr("revops.pipeline.invoke", build)
    monkeypatch.setattr("revops.pipeline.publish", publish_into_a_read_only_folder)
    code, stderr = _run(capsys, valid_inputs, previous)
    assert code == 1
    lines = _error_lines(stderr)
    assert len(lines) == 1 and ".published.duckdb.publishing" in lines[0], stderr
    assert "Operation not permitted" in lines[0] or "Permission denied" in lines[0]
    assert digest(previous) == before


def test_a_full_disk_while_publishing_is_one_line(valid_inputs, published, previous, capsys, monkeypatch):
    """A real write failure: the file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored) makes DuckDB's
    writes of the new file fail as a full disk would, after a build (a copy of a published file)."""
    before = digest(previous)
    real_publish = pipeline.publish

    def build(args, *, db_path, **kwargs):
        shutil.copyfile(published, db_path)
        return DbtOutcome(seconds=0.0, counts={"pass": 1})

    def publish_on_a_full_disk(*args, **kwargs):
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
        try:
            return real_publish(*args, **kwargs)
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
            signal.signal(signal.SIGXFSZ, previous_handler)

    monkeypatch.setattr("revops.pipeline.invoke", build)
    monkeypatch.setattr("revops.pipeline.publish", publish_on_a_full_disk)
    code, stderr = _run(capsys, valid_inputs, previous)
    assert code == 1
    lines = _error_lines(stderr)
    assert len(lines) == 1 and "Could not write" in lines[0] and "File too large" in lines[0], stderr
    assert digest(previous) == before
    assert not list(previous.parent.glob(".published.duckdb*"))


def test_a_failed_model_names_the_database_reason(valid_inputs, previous, capsys, monkeypatch):
    """With the size check bypassed, 3,000,000,000 employees reach a 32-bit integer cast in staging."""
    monkeypatch.setattr("revops.validate._magnitude_problems", lambda connection, found: [])
    path = valid_inputs / "organizations.csv"
    path.write_text(
        path.read_text().replace(
            "Acme,2024-01-15T09:30:00Z,US,Software,120", "Acme,2024-01-15T09:30:00Z,US,Software,3000000000"
        )
    )
    before = digest(previous)
    code, stderr = _run(capsys, valid_inputs, previous)
    assert code == 1
    assert _error_lines(stderr) == [
        "error: The model stg_crm__organizations in models/staging/crm/stg_crm__organizations.sql could not be "
        "built: Conversion Error: Could not convert string '3000000000' to INT32 when casting from source column "
        "employee_count"
    ], stderr
    assert digest(previous) == before


def test_a_chain_of_renewals_paid_in_advance_past_the_passes_fails_saying_what_to_raise(valid_inputs, tmp_path):
    """org_4's yearly ctr_1 is renewed by ctr_2 from 2026, and inv_8 (20 December 2025) pays the renewal in
    advance: one link, which no pass follows with var credit_purchase_renewal_passes at 0. inv_8 stays on
    ctr_1's period (paid twice), flagged; the guard test fails, and the error is its description (what went
    wrong, what to raise), not dbt's row count. Built up to the model's tests only: the message comes from
    the same invoke() the runner calls. (With the project's 12 passes: the unit tests.)"""
    contracts = valid_inputs / "contracts.csv"
    contracts.write_text(contracts.read_text() + "ctr_2,org_4,cus_4,cus_5,30000.00,24000.00,0.2,2026-01-01,12,12\n")
    invoices = valid_inputs / "invoices.csv"
    invoices.write_text(
        invoices.read_text()
        + "inv_8,cus_4,credit_purchase,paid,2025-12-20,2025-12-20,usd,24000.00,0.00,0.00,0.00,24000.00,"
        "24000.00,2025-12-20T00:00:00Z,2026-01-19,2025-12-22T00:00:00Z\n"
    )
    guard = "int_credit_purchases_assigned_to_periods_follow_every_renewal_paid_in_advance"
    with pytest.raises(RevopsError) as failed:
        invoke(
            [
                *["build", "--select", "+int_credit_purchases_assigned_to_periods", "--indirect-selection", "cautious"],
                *["--exclude-resource-type", "unit_test", "--vars", "{credit_purchase_renewal_passes: 0}"],
            ],
            data_dir=valid_inputs,
            db_path=tmp_path / "warehouse.duckdb",
            target_path=tmp_path / "target",
        )
    assert failed.value.problems == [
        f"The test {guard} in models/intermediate/revenue/_int_revenue__models.yml failed (1 failing rows): A chain "
        "of credit contracts each renewed and paid in advance is longer than the warehouse follows (var "
        "credit_purchase_renewal_passes): its later payments would pay the wrong months. Raise the variable to at "
        "least the longest such chain (revops run --var credit_purchase_renewal_passes=N, or in dbt_project.yml) "
        "and run again."
    ]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute(
            "select invoice_id, matched_by, contract_id, period_number from intermediate.int_credit_purchases_assigned_to_periods "
            "where is_past_the_renewal_passes"
        ).fetchall() == [("inv_8", "in_period", "ctr_1", 1)]


# ---------------------------------------------------------------------------------------------
# One run per published file; leftovers; the as-of month and project variables


def test_a_second_run_on_the_same_file_stops_naming_the_first(valid_inputs, previous, capsys):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from revops.workspace import Workspace; "
            "Workspace(sys.argv[1]).__enter__(); print('locked', flush=True); time.sleep(120)",
            str(previous),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = digest(previous)
        code, stderr = _run(capsys, valid_inputs, previous)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    lines = _error_lines(stderr)
    assert len(lines) == 1, stderr
    assert re.fullmatch(
        rf"error: {re.escape(str(previous))} is being built by another revops run \(pid {holder.pid}, started "
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\); wait for it to finish, or stop it, and run again\.",
        lines[0],
    ), lines[0]
    assert digest(previous) == before


# ---------------------------------------------------------------------------------------------
# Frozen input, read from exactly the folder given


def test_the_build_reads_what_was_validated_from_the_folder_given(tmp_path, capsys, monkeypatch):
    """The input folder is named `in[1]`, a glob pattern matching the sibling `in1`, where org_1's February
    invoice is void; and after validation the export tool appends a duplicate invoice, which dbt's unique
    test would refuse. The build must read neither: org_1's February is inv_2's 200.00."""
    data = write_valid_inputs(tmp_path / "in[1]")
    sibling = write_valid_inputs(tmp_path / "in1")
    invoices = sibling / "invoices.csv"
    invoices.write_text(invoices.read_text().replace("inv_2,cus_1,usage,open", "inv_2,cus_1,usage,void"))
    db = tmp_path / "revops.duckdb"
    real_invoke = pipeline.invoke

    def invoke_after_a_late_edit(args, **kwargs):
        with (data / "invoices.csv").open("a") as handle:
            handle.write((data / "invoices.csv").read_text().splitlines()[1] + "\n")
        return real_invoke(args, **kwargs)

    monkeypatch.setattr("revops.pipeline.invoke", invoke_after_a_late_edit)
    code, stderr = _run(capsys, data, db)
    assert code == 0, stderr
    with duckdb.connect(str(db), read_only=True) as connection:
        assert connection.execute(
            "select mrr_usd from marts.mrr_monthly where organization_id = 'org_1' and month = '2025-02-01'"
        ).fetchone() == (Decimal("200.00"),)


def test_a_file_changed_during_validation_is_refused(valid_inputs, previous, capsys, monkeypatch):
    from revops import validate as validation

    real_validate = validation.validate

    def validate_then_edit(data_dir, **kwargs):
        rows = real_validate(data_dir, **kwargs)
        with (Path(data_dir) / "usage.csv").open("a") as handle:
            handle.write("org_1,logs,2025-02-01,5\n")
        return rows

    monkeypatch.setattr(validation, "validate", validate_then_edit)
    before = digest(previous)
    code, stderr = _run(capsys, valid_inputs, previous)
    assert code == 2
    assert _error_lines(stderr) == [
        "error: usage.csv changed while being validated; run again once the export is complete."
    ]
    assert digest(previous) == before


# ---------------------------------------------------------------------------------------------
# Interrupted for real: Ctrl-C (SIGINT) and SIGTERM during the dbt build


@pytest.mark.parametrize(
    ("sent", "exit_code", "words"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "stopped (SIGTERM)")]
)
def test_a_signal_during_the_build_exits_cleanly(valid_inputs, previous, sent, exit_code, words):
    before = digest(previous)
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("revops")), "run", "--data-dir", str(valid_inputs), "--db", str(previous)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("  built "):  # dbt is building models
            break
    process.send_signal(sent)
    _, rest = process.communicate(timeout=120)
    stderr = "".join(seen) + rest
    assert process.returncode == exit_code, stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith(f"revops run was {words}; nothing was published."), stderr[-2000:]
    assert digest(previous) == before
    assert not list(previous.parent.glob(".published.duckdb*"))
