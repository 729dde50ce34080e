"""The HTML report: one self-contained file built from the published tables.

Every number is a column of a published table (marts or the semantic layer's models), read by the
queries in `sql/` (`revops.report.queries`), which only select, order and limit; every business rule
stays in the dbt models. Python lays the numbers out: `charts` draws inline SVG, `sections` puts each
chart beside its numbers, `page` writes the document with its inline style sheet. The page loads nothing
and runs no script, so it opens from a file with no network. Each chart is a
`<figure class="chart" data-chart=NAME>` whose data points are SVG elements of class `mark`.
"""

from __future__ import annotations

from pathlib import Path

from revops.report import queries, revops_checks
from revops.report.formats import esc, signed_usd, usd
from revops.report.page import page, tiles
from revops.report.sections import (
    ReportSummary,
    adjustments_section,
    bridge_section,
    cohort_section,
    movers_section,
    mrr_section,
    quota_section,
    rolling_section,
)

__all__ = ["ADJUSTMENT_ROWS", "BRIDGE_MONTHS", "ReportSummary", "build_report", "esc", "signed_usd", "usd"]

BRIDGE_MONTHS = 3  # lifecycle bridges (waterfalls) shown, newest first
ADJUSTMENT_ROWS = 25  # individual adjustments listed for the reporting month


def build_report(db_path: Path, out_path: Path) -> ReportSummary:
    """Write the HTML report of the published file `db_path` to `out_path`."""
    db_path, out_path = Path(db_path), Path(out_path)
    read = _read(db_path)
    summary = ReportSummary(path=out_path, reporting_month=read["reporting_month"])
    provisional = bool(read["mrr"]) and read["mrr"][-1]["is_provisional"]
    sections = [
        mrr_section(read["mrr"], summary),
        bridge_section(read["bridges"], summary),
        adjustments_section(
            read["adjustments_by_month"],
            read["adjustment_rows"],
            read["reporting_month"],
            summary,
            provisional=provisional,
        ),
        rolling_section(read["rolling"], summary),
        cohort_section(read["cohorts"], summary),
        movers_section(read["movers"], read["reporting_month"], summary),
        quota_section(read["reps"], read["teams"], read["quarter"], summary),
        *revops_checks.sections(read["revops_checks"], summary),
    ]
    headline = tiles(read["headline"], read["rolling"])
    document = page(db_path, read["build"], read["reporting_month"], provisional, headline, sections)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_name(f".{out_path.name}.writing")
    temporary.write_text(document, encoding="utf-8")
    temporary.replace(out_path)
    return summary


def _read(db_path: Path) -> dict:
    """Everything the report shows, read in one read-only connection."""
    with queries.open_published(db_path) as connection:

        def rows(name: str, **parameters) -> list[dict]:
            return queries.rows(connection, name, **parameters)

        bridges = rows("bridges", months=BRIDGE_MONTHS)
        newest = rows("reporting_month")
        reporting_month = newest[0]["month"] if newest else None
        quarter = (rows("quota_quarter") or [{"quarter": None}])[0]["quarter"]
        return {
            "build": (rows("build_info") or [{}])[0] if queries.has_build_info(connection) else {},
            "mrr": rows("mrr_by_month"),
            "headline": rows("headline"),
            "bridges": bridges,
            "rolling": rows("rolling_retention"),
            "cohorts": rows("cohorts"),
            "reporting_month": reporting_month,
            "movers": rows("movers", month=reporting_month),
            "adjustments_by_month": [
                (bridge["month"], rows("adjustments_by_type", month=bridge["month"])) for bridge in bridges
            ],
            "adjustment_rows": rows("adjustment_rows", month=reporting_month, rows=ADJUSTMENT_ROWS),
            "quarter": quarter,
            "reps": rows("rep_attainment", quarter=quarter),
            "teams": rows("team_attainment", quarter=quarter),
            "revops_checks": revops_checks.read(connection, reporting_month),
        }
