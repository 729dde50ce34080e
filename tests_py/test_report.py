"""The HTML report and the docs site, built from a published demo file and opened in a real browser.

The browser is Debian's headless Chromium driven through Debian's chromedriver (scripts/install
installs both when it runs as root with apt-get); nothing is downloaded. The browser test fails,
and does not skip, when they are missing.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import pytest

from revops import PROJECT_DIR
from revops.cli import main
from revops.report import BRIDGE_MONTHS, esc, signed_usd, usd

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Where the browser test leaves its screenshot (out/ is ignored by git).
SCREENSHOT = Path(os.environ.get("REVOPS_SCREENSHOT", PROJECT_DIR / "out" / "report-screenshot.png"))

# Every chart of the report and the fewest data marks it may draw for the demo company.
CHARTS = {
    "mrr": 2 * 12,  # two series, at least a year of months
    "bridge": 7 * BRIDGE_MONTHS,  # start, five components and end for each month
    "adjustments": 1,
    "rolling": 6,  # NDR and GDR for three lookbacks
    "cohorts": 50,
    "movers": 10,
    "quota": 3,  # reps and teams
    "renewals": 5,  # credit contracts in force in the reporting month
    "onboarding": 6,  # cohorts of $500+ first bills
    "allocation": 3,  # TAM books at the latest quarter start
    "cross_sell": 4,  # quarters of products adopted
    "forecast": 3,  # the reporting month and two forward months
}


@pytest.fixture(scope="module")
def report(published, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    started = time.perf_counter()
    assert main(["report", "--db", str(published), "--out", str(out)]) == 0
    print(f"report built in {time.perf_counter() - started:.2f} s")
    return out


def test_the_report_is_one_self_contained_file(report):
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page  # charts are SVG written by Python: nothing runs, nothing loads
    addresses = set(re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page))
    assert all(address == "data:," or address.startswith("#") for address in addresses), addresses
    assert "url(" not in page
    assert "@import" not in page
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_the_report_shows_the_published_numbers(report, published):
    page = report.read_text(encoding="utf-8")
    with duckdb.connect(str(published), read_only=True) as connection:
        month, mrr = connection.execute(
            "select month, sum(mrr_usd) from marts.mrr_monthly group by month order by month desc limit 1"
        ).fetchone()
        (ndr_12,) = connection.execute(
            "select ndr from marts.retention_rolling_monthly where lookback_months = 12 order by month desc limit 1"
        ).fetchone()
        (top_gainer,) = connection.execute(
            "select organization_id from marts.customer_lifecycle_monthly where month = ? "
            "order by mrr_change_usd desc, organization_id limit 1",
            [month],
        ).fetchone()
    assert f"${mrr:,.0f}" in page
    assert f"{ndr_12 * 100:,.1f} %" in page
    assert top_gainer in page
    assert month.strftime("%b %Y") in page


def test_a_missing_database_is_a_clear_error(tmp_path, capsys):
    code = main(["report", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "report.html")])
    assert code == 1
    assert "run `revops run` first" in capsys.readouterr().err
    assert not (tmp_path / "report.html").exists()


@pytest.fixture(scope="module")
def browser():
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    if missing:
        pytest.fail(
            f"Chromium or ChromeDriver is missing ({', '.join(missing)}): run scripts/install as root, or "
            "`apt-get install chromium chromium-driver`."
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="revops-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--window-size=1400,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_every_chart_renders_with_data_in_headless_chromium(report, browser):
    started = time.perf_counter()
    browser.get(report.as_uri())
    assert browser.title.startswith("Revenue-retention report")
    drawn = browser.execute_script(
        """
        const charts = {};
        for (const figure of document.querySelectorAll('figure.chart')) {
            const svg = figure.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            charts[figure.dataset.chart] = {
                marks: figure.querySelectorAll('svg .mark').length,
                declared: Number(figure.dataset.marks),
                width: box.width,
                height: box.height,
                rows: figure.parentElement.querySelectorAll('.numbers tbody tr').length,
            };
        }
        return charts;
        """
    )
    assert set(drawn) == set(CHARTS), drawn.keys()
    for name, fewest in CHARTS.items():
        chart = drawn[name]
        assert chart["marks"] >= fewest, (name, chart)
        assert chart["marks"] == chart["declared"], (name, chart)
        assert chart["width"] > 300 and chart["height"] > 100, (name, chart)  # laid out, not collapsed
        assert chart["rows"] > 0, (name, chart)  # its numbers in a table beside it

    # Nothing was fetched (the page is self-contained) and nothing complained.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1400, min(height + 40, 16000))
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 50_000
    print(f"browser check in {time.perf_counter() - started:.2f} s; screenshot {SCREENSHOT}")


def test_the_quota_section_shows_counted_commissionable_and_held_back_attainment_per_rep(report, published):
    page = report.read_text(encoding="utf-8")
    with duckdb.connect(str(published), read_only=True) as connection:
        (quarter,) = connection.execute(
            "select max(quarter) from marts.tam_quota_attainment_quarterly where not is_quarter_in_progress"
        ).fetchone()
        reps = connection.execute(
            "select owner_id, attainment_usd, commissionable_attainment_usd, held_back_attainment_usd "
            "from marts.tam_quota_attainment_quarterly where quarter = ?",
            [quarter],
        ).fetchall()
    assert reps and f"TAMs, {quarter}" in page
    for header in ("Counted", "Commissionable", "Held back", "Released"):
        assert f"<th class=num>{header}</th>" in page
    for owner_id, counted, commissionable, held_back in reps:
        row = re.search(rf"<tr><td>{owner_id}</td>(.*?)</tr>", page)
        assert row, owner_id
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
        assert esc(signed_usd(counted)) in cells, (owner_id, cells)
        assert esc(signed_usd(commissionable)) in cells, (owner_id, cells)
        assert esc(usd(held_back)) in cells, (owner_id, cells)


def test_the_docs_site_is_one_static_file_that_names_the_published_tables(published, tmp_path):
    out = tmp_path / "site" / "index.html"
    assert main(["docs", "--db", str(published), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Revenue-retention warehouse" in page  # the __overview__ block
    for table in (
        "mrr_monthly",
        "lifecycle_components_monthly",
        "retention_rolling_monthly",
        "tam_quota_attainment_quarterly",
    ):
        assert f"model.revops.{table}" in page
    assert "exposure.revops.revenue_report" in page
    assert "semantic_model.revops.mrr" in page
    assert '"CATALOG.JSON INLINE DATA"' not in page and '"MANIFEST.JSON INLINE DATA"' not in page


def test_the_revops_check_sections_show_the_published_numbers(report, published):
    page = report.read_text(encoding="utf-8")
    with duckdb.connect(str(published), read_only=True) as connection:
        remaining = connection.execute(
            "select contract_id, credits_remaining_usd from marts.contract_credit_runway_monthly"
            " where month = (select max(month) from marts.contract_credit_runway_monthly)"
        ).fetchall()
        forecast = connection.execute("select forecast_mrr_usd from marts.mrr_forecast_totals_monthly").fetchall()
        books = connection.execute(
            "select owner_id, book_arr_at_start_usd from marts.tam_book_allocation_quarterly"
            " where quarter_start_month = (select max(quarter_start_month) from marts.tam_book_allocation_quarterly)"
        ).fetchall()
        (missing_owner,) = connection.execute(
            "select organization_id from marts.account_allocation where is_missing_owner"
            " order by arr_usd desc, organization_id limit 1"
        ).fetchone()
    for anchor in ("renewals", "onboarding", "allocation", "cross-sell", "forecast"):
        assert f'<section id="{anchor}">' in page
    assert remaining and forecast and books
    for contract_id, credits in remaining:
        assert contract_id in page and esc(usd(credits)) in page, contract_id
    for (total,) in forecast:
        assert esc(usd(total)) in page
    for owner_id, arr in books:
        assert esc(usd(arr)) in page, owner_id
    assert missing_owner in page
