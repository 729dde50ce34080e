"""The runner end to end: good data publishes; bad input fails clearly and publishes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import write_valid_inputs
from revops import DEMO_DATA_DIR, contract, pipeline
from revops.cli import main
from revops.dbt_runner import DbtOutcome

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
    personal = {column.name for table in contract.tables().values() for column in table.columns if column.personal_data}
    assert personal == {"email", "name"}
    with duckdb.connect(str(published), read_only=True) as connection:
        columns = {
            name
            for (name,) in connection.execute(
                "select column_name from information_schema.columns where table_catalog = current_database()"
            ).fetchall()
        }
        assert not columns & personal
        emails = connection.execute(
            "select count(*) from marts.mrr_monthly where organization_id like '%@%'"
        ).fetchone()[0]
        assert emails == 0


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
    _set_field(data_dir / "invoices.csv", "currency", "eur")
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


def test_a_reader_holding_the_file_open_is_not_broken_by_a_run(published, tmp_path, capsys):
    db = tmp_path / "shared.duckdb"
    shutil.copyfile(published, db)
    reader = duckdb.connect(str(db), read_only=True)
    try:
        (rows_before,) = reader.execute("select count(*) from marts.mrr_monthly").fetchone()
        code, stderr = _run(capsys, DEMO_DATA_DIR, db)
        assert code == 0, stderr
        (rows_during,) = reader.execute("select count(*) from marts.mrr_monthly").fetchone()
        assert rows_during == rows_before
    finally:
        reader.close()
    with duckdb.connect(str(db), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.mrr_monthly").fetchone()[0] == rows_before


def test_export_writes_every_table_with_a_manifest(published, tmp_path, capsys):
    out = tmp_path / "exports"
    assert main(["export", "--db", str(published), "--out", str(out), "--format", "all"]) == 0
    import json

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
            {"consolidation", "trial", "one_time_credit", "spike", "annual_plan"},
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


def test_the_demo_tam_books_exercise_every_quota_rule(published):
    flags = [
        "is_new_customer",
        "is_churned",
        "has_annual_contract",
        "in_grace_period",
        "optimization_excluded",
        "not is_commissionable",
    ]
    with duckdb.connect(str(published), read_only=True) as connection:
        for flag in flags:
            (count,) = connection.execute(
                f"select count(*) from marts.tam_quota_account_quarterly where {flag}"
            ).fetchone()
            assert count > 0, flag
        (ramping,) = connection.execute(
            "select count(*) from marts.team_quota_attainment_quarterly where ramping_members > 0"
        ).fetchone()
        assert ramping > 0


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
    ],
    ids=["unknown-variable", "variable-with-its-own-option", "no-value", "bad-month"],
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


def _marts(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            table: sorted(connection.execute(f"select * from marts.{table}").fetchall(), key=repr) for table in tables
        }


def test_runs_as_of_a_month_are_repeatable_and_record_it(valid_inputs, tmp_path, capsys):
    """Two runs with the same input, --as-of and --var publish identical marts tables. The first also
    removes what killed runs left beside its file, whose name has a quote (a SQL string delimiter)."""
    first, second = tmp_path / "o'brien.duckdb", tmp_path / "second.duckdb"
    (tmp_path / ".o'brien.duckdb.build-99999" / "inputs").mkdir(parents=True)
    (tmp_path / ".o'brien.duckdb.build-99999" / "warehouse.duckdb").write_bytes(b"half a build")
    (tmp_path / ".o'brien.duckdb.publishing-99998").write_bytes(b"half a publish")
    (tmp_path / ".o'brien.duckdb.build.duckdb").write_bytes(b"an older version's build")
    arguments = ["--as-of", "2025-01", "--var", "include_tax_in_mrr=false"]
    logs = []
    for db in (first, second):
        code = main(["run", "--data-dir", str(valid_inputs), "--db", str(db), *arguments])
        logs.append(capsys.readouterr().err)
        assert code == 0, logs[-1]
    assert (
        "Removed what an interrupted run left behind: .o'brien.duckdb.build-99999, .o'brien.duckdb.build.duckdb, "
        ".o'brien.duckdb.publishing-99998\n" in logs[0]
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["inputs", "o'brien.duckdb", "second.duckdb"]
    assert _marts(first) == _marts(second)
    with duckdb.connect(str(first), read_only=True) as connection:
        assert connection.execute("select as_of_month, dbt_vars from meta.build_info").fetchone() == (
            date(2025, 1, 1),
            '{"include_tax_in_mrr": false}',
        )
        # The reporting month is the as-of month, though February has invoices; org_1's January is
        # inv_1's 154.00 less its 14.00 tax (the variable) less the 25.00 refund = 115.00.
        assert connection.execute("select max(month) from marts.mrr_monthly").fetchone() == (date(2025, 1, 1),)
        assert connection.execute(
            "select mrr_usd from marts.mrr_monthly where organization_id = 'org_1' and month = '2025-01-01'"
        ).fetchone() == (Decimal("115.00"),)


def test_without_as_of_build_info_records_none(published):
    with duckdb.connect(str(published), read_only=True) as connection:
        assert connection.execute("select as_of_month, dbt_vars from meta.build_info").fetchone() == (None, "{}")


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
