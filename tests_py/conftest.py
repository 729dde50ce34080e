"""Shared fixtures: a small, complete and valid raw input directory written by hand, one published
demo file for the whole session, and the Spark builds (started in the background at collection)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from revops import DEMO_DATA_DIR

# Every table of the contract, consistent with every rule of revops.validate: four organizations
# (org_2 moved from the EU to the US as org_3; org_5 is a team of the same company as org_2, so its
# chain resolves org_5 -> org_2 -> org_3), pay-as-you-go, startup and amortized enterprise billing,
# a credit, a refund, a trial, two TAMs with their books and quotas.
VALID_INPUTS = {
    "organizations": """
organization_id,name,created_at,region,industry,employee_count
org_1,Acme,2024-01-15T09:30:00Z,US,Software,120
org_2,Beta EU,2024-02-01T00:00:00Z,EU,Retail,
org_3,Beta,2024-06-01 10:00:00,US,Retail,45
org_4,Gamma,2024-03-10T12:00:00+00:00,US,,
org_5,Beta Labs,2024-07-01,EU,Retail,8
""",
    "billing_customers": """
billing_customer_id,organization_id,created_at,email,region,is_startup_plan,startup_credit_usd,startup_credit_expires_on
cus_1,org_1,2024-01-15T09:31:00Z,billing@acme.example,US,false,,
cus_2,org_2,2024-02-01T00:05:00Z,ap@beta.example,EU,false,,
cus_3,org_3,2024-06-01T10:05:00Z,ap@beta.example,US,TRUE,50000.00,2025-06-30
cus_4,org_4,2024-03-10T12:05:00Z,finance@gamma.example,US,false,,
cus_5,org_4,2024-03-10T12:06:00Z,finance@gamma.example,US,False,,
cus_6,org_5,2024-07-01T00:00:00Z,,EU,false,,
""",
    "invoices": """
invoice_id,billing_customer_id,invoice_type,status,period_start,period_end,currency,subtotal_usd,discount_usd,credit_applied_usd,tax_usd,total_usd,amount_paid_usd,created_at,due_on,paid_at
inv_1,cus_1,usage,paid,2025-01-01,2025-01-31,usd,150.00,10.00,0.00,14.00,154.00,154.00,2025-02-01T00:00:00Z,2025-02-15,2025-02-03T08:00:00Z
inv_2,cus_1,usage,open,2025-02-01,2025-02-28,usd,200.00,0.00,0.00,0.00,200.00,0.00,2025-03-01T00:00:00Z,2025-03-15,
inv_3,cus_2,usage,paid,2025-01-01,2025-01-31,usd,80.00,0.00,20.00,0.00,60.00,60.00,2025-02-01T00:00:00Z,2025-02-15,2025-02-02T00:00:00Z
inv_4,cus_4,credit_purchase,paid,2025-01-01,2025-12-31,usd,24000.00,0.00,0.00,0.00,24000.00,24000.00,2025-01-01T00:00:00Z,2025-01-31,2025-01-20T00:00:00Z
inv_5,cus_5,usage,paid,2025-01-01,2025-01-31,usd,3000.00,0.00,3000.00,0.00,0.00,0.00,2025-02-01T00:00:00Z,,2025-02-01T00:00:00Z
inv_6,cus_3,usage,paid,2025-01-01,2025-01-31,usd,500.50,0.00,500.50,0.00,0.00,0.00,2025-02-01T00:00:00Z,,2025-02-01T00:00:00Z
inv_7,cus_6,other,void,2025-01-01,2025-01-31,usd,0.00,0.00,0.00,0.00,0.00,0.00,2025-02-01T00:00:00Z,,
""",
    "fx_rates": """
currency,month,usd_per_unit
eur,2025-01-01,1.0850
eur,2025-02-01,1.0790
""",
    "invoice_line_items": """
line_item_id,invoice_id,product_key,quantity,amount_usd,discount_usd
li_1,inv_1,product_analytics,1000000,100.00,10.00
li_2,inv_1,session_replay,5000,50.00,0.00
li_3,inv_2,product_analytics,1500000,150.00,0.00
li_4,inv_2,feature_flags,1000000,50.00,0.00
li_5,inv_3,error_tracking,100000,80.00,0.00
li_6,inv_5,data_warehouse,1000,3000.00,0.00
li_7,inv_6,surveys,250.5,500.50,0
""",
    "credits": """
credit_id,billing_customer_id,amount_usd,reason,applies_to_month,created_at,note
cr_1,cus_2,20.00,Incident Credit,2025-01-01,2025-01-20T10:00:00Z,"Outage on 14 January, ingestion delayed"
""",
    "refunds": """
refund_id,invoice_id,product_key,amount_usd,reason,created_at
rf_1,inv_1,session_replay,25.00,Bug Credit,2025-02-10T00:00:00Z
""",
    "subscriptions": """
subscription_id,billing_customer_id,status,started_at,canceled_at
sub_1,cus_1,active,2024-01-15T09:32:00Z,
sub_2,cus_2,canceled,2024-02-01T00:05:00Z,2025-03-01T00:00:00Z
""",
    "contracts": """
contract_id,organization_id,credits_billing_customer_id,usage_billing_customer_id,credit_usd,price_usd,discount,start_date,term_months,payment_cadence_months
ctr_1,org_4,cus_4,cus_5,30000.00,24000.00,0.2,2025-01-01,12,12
""",
    "usage": """
organization_id,product_key,usage_month,units
org_1,product_analytics,2025-01-01,1000000
org_1,session_replay,2025-01-01,5000
org_1,product_analytics,2025-02-01,1500000
org_1,feature_flags,2025-02-01,1000000
org_2,error_tracking,2025-01-01,100000
org_4,data_warehouse,2025-01-01,1000
org_3,surveys,2025-01-01,250.5
""",
    "organization_consolidations": """
organization_id,parent_organization_id,effective_month,reason
org_2,org_3,2025-02-01,eu_to_us_migration
org_5,org_2,2024-07-01,same_company
""",
    "trials": """
organization_id,start_month,end_month,note
org_3,2025-01-01,2025-02-01,self-host evaluation
org_1,2025-03-01,,
""",
    "sales_reps": """
owner_id,name,role,team,is_team_lead,role_start_date,end_date,ote_usd,region
rep_1,Ada,TAM,Blue,true,2024-01-01,,200000.00,US
rep_2,Bo,TAM,Blue,false,2024-06-01,2025-06-30,150000.00,EU
""",
    "account_owners": """
organization_id,owner_id,start_date,segment,end_date
org_1,rep_1,2024-01-01,AM Managed,
org_3,rep_2,2024-06-01,AM Managed,2025-06-30
org_3,rep_1,2025-07-01,AM Managed,
""",
    "quotas": """
owner_id,quarter,quota_usd
rep_1,2025-Q1,50000.00
rep_1,2025-Q2,55000.00
rep_2,2025-Q1,40000.00
""",
    "usage_optimizations": """
organization_id,quarter,approved,note
org_1,2025-Q1,true,Dropped session replay sampling
""",
    "opportunities": """
opportunity_id,organization_id,owner_id,product_key,record_type,stage,expected_mrr_usd,created_on,closed_on,lost_reason
opp_1,org_1,rep_1,error_tracking,Cross-sell,Closed Won,500.00,2025-01-05,2025-02-01,
opp_2,org_3,,,New Business,Discovery,,2025-02-10,,
""",
}


def write_valid_inputs(directory: Path) -> Path:
    """Write VALID_INPUTS as NAME.csv files into `directory` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in VALID_INPUTS.items():
        (directory / f"{name}.csv").write_text(text.lstrip("\n"), encoding="utf-8")
    return directory


@pytest.fixture
def valid_inputs(tmp_path: Path) -> Path:
    """A fresh copy of the valid input directory, safe to corrupt."""
    return write_valid_inputs(tmp_path / "inputs")


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """One real run of the installed `revops` program on the demo data."""
    db = tmp_path_factory.mktemp("published") / "revops.duckdb"
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("revops")), "run", "--data-dir", str(DEMO_DATA_DIR), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    assert "Published" in completed.stdout
    assert "DuckDB may use" in completed.stderr and "--memory-limit sets it" in completed.stderr, completed.stderr
    return db


# The Spark builds of tests_py/test_spark.py take minutes: they start in a process of their own as
# soon as pytest knows a test that needs them will run, and run while the rest of the suite does.
# scripts/test runs pytest in two processes (pytest-xdist): both collect the same tests, the first
# to claim the builds' folder (shared through REVOPS_TEST_SHARED_DIR, made by the main process)
# starts them, and any process waits for the folder's `exit` file.
_SPARK_BUILDS: dict[str, object] = {}
SPARK_BUILDS_TIMEOUT = 1800
_SHARED = "REVOPS_TEST_SHARED_DIR"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process (alone, or xdist's controller)
        os.environ[_SHARED] = tempfile.mkdtemp(prefix="revops-tests-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(_SHARED), ignore_errors=True)


# Seconds the slowest test files took in one pytest process of `scripts/test` (26 November 2026, 2 cores,
# the Spark builds beside them). scripts/test hands whole files to its two processes in the order of the
# collection (pytest-xdist's `--dist loadfile --no-loadscope-reorder`), and each process takes the next
# file when it has done its own: the slowest go first, so the last file either process takes is a quick
# one. (xdist's own order, by number of tests, left test_properties.py and test_faults.py, nearly
# three minutes in five tests, to one process at the end while the other sat idle.) A file not listed
# counts as quick; a figure out of date costs only balance, never a test.
FILE_SECONDS = {
    "test_run.py": 380,
    "test_semantic_layer.py": 190,
    "test_properties.py": 165,
    "test_stripe_equivalence.py": 115,
    "test_faults.py": 100,
    "test_validate.py": 100,
    "test_memory.py": 95,
    "test_as_of_month.py": 85,
    "test_readers.py": 55,
    "test_currencies.py": 40,
    "test_report.py": 20,
}


def _waits_for_spark(item: pytest.Item) -> bool:
    return "spark_builds" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first (FILE_SECONDS); a file with tests that wait for the Spark builds last, and
    those tests last in it, so the rest of the suite runs while the builds do."""
    waiting_files = {item.path for item in items if _waits_for_spark(item)}
    items.sort(
        key=lambda item: (item.path in waiting_files, -FILE_SECONDS.get(item.path.name, 0), _waits_for_spark(item))
    )


def _spark_work() -> Path:
    return Path(os.environ[_SHARED]) / "spark-builds"


def pytest_collection_finish(session: pytest.Session) -> None:
    if _SPARK_BUILDS or not any(_waits_for_spark(item) for item in session.items):
        return
    work = _spark_work()
    try:
        work.mkdir()
    except FileExistsError:
        return  # another pytest process of this session started them
    log = (work / "spark_builds.log").open("w")
    _SPARK_BUILDS.update(
        log=log,
        process=subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("spark_builds.py")), "--work", str(work)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=work,  # Spark must write nothing into the working directory (test_spark checks)
            start_new_session=True,  # its own process group: stopped as a whole if the session ends early
        ),
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    process = _SPARK_BUILDS.get("process")
    if process is None:
        return
    other_may_wait = (
        hasattr(session.config, "workerinput")  # one of xdist's processes
        and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
        and not (session.shouldfail or session.shouldstop or session.config.option.collectonly)
    )
    if process.poll() is None and other_may_wait:
        # The other pytest process may still be waiting for the builds: let them finish.
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=SPARK_BUILDS_TIMEOUT)
    if process.poll() is None:
        process.terminate()  # spark_builds.py unwinds on SIGTERM, stopping its Spark cluster
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    _SPARK_BUILDS["log"].close()


def pytest_terminal_summary(terminalreporter) -> None:
    """What the Spark builds cost, step by step (they overlap the rest of the suite)."""
    timings = _spark_work() / "timings.json"
    if timings.exists():
        terminalreporter.section("Spark builds (tests_py/spark_builds.py), seconds")
        for step, seconds in json.loads(timings.read_text()).items():
            terminalreporter.write_line(f"{seconds:7.1f}  {step}")


@pytest.fixture(scope="session")
def spark_builds() -> Path:
    """The folder of the finished Spark builds (see tests_py/spark_builds.py)."""
    work = _spark_work()
    if not work.is_dir():
        pytest.fail("the Spark builds were not started at collection")
    deadline = time.monotonic() + SPARK_BUILDS_TIMEOUT
    while not (work / "exit").exists() and time.monotonic() < deadline:
        process = _SPARK_BUILDS.get("process")
        if process is not None and process.poll() is not None and not (work / "exit").exists():
            break  # killed before it could record its end
        time.sleep(1)
    output = (work / "spark_builds.log").read_text(errors="replace")
    code = (work / "exit").read_text().strip() if (work / "exit").exists() else "none (still running or killed)"
    assert code == "0" and (work / "done").exists(), f"exit code {code}\n{output[-6000:]}"
    return work
