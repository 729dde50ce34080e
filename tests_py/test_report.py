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
from revops.report.formats import fraction_pct, month_label, pct

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Where the browser test leaves its screenshots, one per width: NAME-420.png, NAME-1400.png (out/ is ignored
# by git).
SCREENSHOT = Path(os.environ.get("REVOPS_SCREENSHOT", PROJECT_DIR / "out" / "report-screenshot.png"))
# A phone and a desktop screen, in CSS pixels.
WIDTHS = (420, 1400)
# The smallest chart text, as rendered, that still reads (the report once drew 4.5 px text on a phone).
SMALLEST_CHART_TEXT_PX = 10

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


def _tiles(page: str) -> dict[str, dict]:
    """The headline tiles of the page: name -> month, value, and the provisional lines (month, value)."""
    found = {}
    for name, month, body in re.findall(
        r'<div class="tile[^"]*" data-tile="([^"]+)" data-month="([^"]+)">(.*?)</div></div>(?=<div class="tile|</div>)',
        page,
    ):
        value = re.search(r'<div class="v">([^<]*)', body).group(1)
        context = re.search(r'<div class="s">([^<]*)', body).group(1)
        later = re.findall(r'<div class="p" data-month="([^"]+)">[^<]*, provisional: <b>(.*?)</b>', body)
        found[name] = {"month": month, "value": value, "context": context, "provisional": later}
    return found


def test_the_headline_tiles_show_the_last_complete_month_and_mark_the_provisional_one(report, published):
    """The demo's newest month is provisional (its one-time credit and spike rules wait for the next month), so
    the tiles headline the month before it, and show the provisional month's numbers under each, marked."""
    with duckdb.connect(str(published), read_only=True) as connection:
        cursor = connection.execute(
            "select components.month, components.is_provisional, totals.mrr_usd, components.total_mrr_usd, "
            "components.total_arr_usd, "
            "components.active_customers, components.churn_rate_pct, rolling.ndr "
            "from marts.lifecycle_components_monthly as components "
            "inner join marts.mrr_totals_monthly as totals on components.month = totals.month "
            "inner join marts.retention_rolling_monthly as rolling on components.month = rolling.month "
            "where components.is_in_analysis_window "
            "and rolling.lookback_months = (select max(lookback_months) from marts.retention_rolling_monthly) "
            "order by components.month desc limit 2"
        )
        columns = [column[0] for column in cursor.description]
        newest, complete = (dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
        (longest,) = connection.execute("select max(lookback_months) from marts.retention_rolling_monthly").fetchone()
    assert newest["is_provisional"] and not complete["is_provisional"]  # the demo ends with one provisional month
    expected = [  # tile, mart column, how the report writes it
        ("mrr", "mrr_usd", usd),
        ("adjusted_mrr", "total_mrr_usd", usd),
        ("active_customers", "active_customers", lambda value: f"{value:,}"),
        (f"ndr_{longest}", "ndr", fraction_pct),
        ("churn_rate", "churn_rate_pct", pct),
    ]
    tiles = _tiles(report.read_text(encoding="utf-8"))
    assert len(tiles) == 6, tiles.keys()
    for name, column, shown in expected:
        tile = tiles[name]
        assert tile["month"] == complete["month"].isoformat(), (name, tile)
        assert tile["value"] == esc(shown(complete[column])), (name, tile)
        assert tile["provisional"] == [(newest["month"].isoformat(), esc(shown(newest[column])))], (name, tile)
    assert tiles["adjusted_mrr"]["context"].startswith(esc(f"ARR {usd(complete['total_arr_usd'])};"))
    page = report.read_text(encoding="utf-8")
    assert f'<h2 class="headline">{month_label(complete["month"])}, the last complete month</h2>' in page
    assert f"{month_label(newest['month'])} is provisional" in page


def test_customers_are_shown_by_company_name_beside_their_id(report, published):
    with duckdb.connect(str(published), read_only=True) as connection:
        movers = connection.execute(
            "select movers.organization_id, customers.company_name from marts.customer_movers_monthly as movers "
            "inner join marts.customers as customers on movers.organization_id = customers.organization_id "
            "where movers.month = (select max(month) from marts.customer_movers_monthly)"
        ).fetchall()
        (adjusted_id, adjusted_name) = connection.execute(
            "select adjustments.organization_id, customers.company_name from marts.revenue_adjustments as adjustments "
            "inner join marts.customers as customers on adjustments.organization_id = customers.organization_id "
            "where adjustments.month = (select max(month) from marts.revenue_adjustments) "
            "and adjustments.product_key is null order by abs(adjustments.mrr_change_usd) desc limit 1"
        ).fetchone()
    page = report.read_text(encoding="utf-8")
    assert len(movers) >= 10
    for organization_id, company_name in [*movers, (adjusted_id, adjusted_name)]:
        assert company_name and company_name != organization_id
        assert f"<td>{esc(company_name)}<span class=id>{esc(organization_id)}</span></td>" in page, organization_id
    for _, company_name in movers:  # the chart labels its bars by name
        assert re.search(rf'class="label" text-anchor="end">{re.escape(esc(company_name))}</text>', page)
    assert "<td>org_" not in page  # no customer is shown by a bare id


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


# Measured in the page: each chart's visible drawing (the wide one on a desktop, the narrow one on a phone),
# its marks and its smallest text as rendered; the page's overflow; the tiles; the tables' frames.
MEASURE = """
const charts = {};
for (const figure of document.querySelectorAll('figure.chart')) {
    const shown = [...figure.querySelectorAll('svg')].filter(svg => getComputedStyle(svg).display !== 'none');
    const svg = shown[0];
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const scale = svg ? svg.getScreenCTM().a : 0;
    const sizes = svg ? [...svg.querySelectorAll('text')].map(
        text => scale * parseFloat(getComputedStyle(text).fontSize)) : [];
    charts[figure.dataset.chart] = {
        drawings: shown.length,
        marks: svg ? svg.querySelectorAll('.mark').length : 0,
        declared: Number(figure.dataset.marks),
        width: box.width,
        height: box.height,
        smallest_text: Math.min(...sizes),
        rows: figure.parentElement.querySelectorAll('.numbers tbody tr').length,
    };
}
const tiles = [...document.querySelectorAll('.tile')].map(tile => {
    const box = tile.getBoundingClientRect();
    return {name: tile.dataset.tile, left: box.left, right: box.right, width: box.width};
});
const frames = [...document.querySelectorAll('.numbers')].map(frame => ({
    section: frame.closest('section').id, content: frame.scrollWidth, frame: frame.clientWidth}));
return {
    charts: charts,
    tiles: tiles,
    frames: frames,
    page_width: document.documentElement.scrollWidth,
    window_width: window.innerWidth,
};
"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_renders_with_data_and_reads_at_phone_and_desktop_width_in_headless_chromium(
    report, browser, width
):
    started = time.perf_counter()
    browser.set_window_size(width, 1000)
    browser.get(report.as_uri())
    assert browser.title.startswith("Revenue-retention report")
    measured = browser.execute_script(MEASURE)
    assert measured["window_width"] == width, measured["window_width"]

    # Nothing runs past the screen's edge: the page never scrolls sideways (wide tables scroll in their frame).
    assert measured["page_width"] <= width, measured["page_width"]

    charts = measured["charts"]
    assert set(charts) == set(CHARTS), charts.keys()
    for name, fewest in CHARTS.items():
        chart = charts[name]
        assert chart["drawings"] == 1, (name, chart)  # one drawing of each chart on screen
        assert chart["marks"] >= fewest, (name, chart)
        assert chart["marks"] == chart["declared"], (name, chart)
        assert chart["width"] > 300 and chart["height"] > 100, (name, chart)  # laid out, not collapsed
        assert chart["smallest_text"] >= SMALLEST_CHART_TEXT_PX, (name, chart)
        assert chart["rows"] > 0, (name, chart)  # its numbers in a table beside it

    # Six headline tiles, each wholly on screen.
    assert len(measured["tiles"]) == 6, measured["tiles"]
    for tile in measured["tiles"]:
        assert tile["left"] >= 0 and tile["right"] <= width and tile["width"] > 150, tile
    if width >= 1400:
        # On a desktop every table shows all its columns (the TAM table's commission included) without
        # sideways scrolling.
        for frame in measured["frames"]:
            assert frame["content"] <= frame["frame"], frame

    # Nothing was fetched (the page is self-contained) and nothing complained.
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(height + 40, 16000))
    screenshot = SCREENSHOT.with_name(f"{SCREENSHOT.stem}-{width}{SCREENSHOT.suffix}")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 50_000
    print(f"browser check at {width} px in {time.perf_counter() - started:.2f} s; screenshot {screenshot}")


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
