"""The page around the sections: tables, section frames, headline tiles, the style sheet and the HTML
document. The page loads nothing and runs no script, so it opens from a file with no network."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from revops.report.formats import esc, fraction_pct, month_label, pct, signed_usd, usd

NAVIGATION = (
    ("mrr", "MRR"),
    ("bridge", "Lifecycle bridge"),
    ("adjustments", "Adjustments"),
    ("rolling", "Rolling NDR/GDR"),
    ("cohorts", "Cohorts"),
    ("movers", "Gainers and losers"),
    ("quota", "Quota attainment"),
)


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence],
    *,
    numeric_from: int = 1,
    text_from: int | None = None,
    caption: str = "",
    provisional: Sequence[bool] | None = None,
) -> str:
    """An HTML table: columns from `numeric_from` are right-aligned numbers, columns from `text_from` wrapping
    text; flagged (provisional) rows are shaded. A cell given as a pair (name, id) shows the name with the id
    under it."""

    def cell(tag: str, index: int, text) -> str:
        kind = "text" if text_from is not None and index >= text_from else "num" if index >= numeric_from else ""
        shown = f"{esc(text[0])}<span class=id>{esc(text[1])}</span>" if isinstance(text, tuple) else esc(text)
        return f"<{tag}{' class=' + kind if kind else ''}>{shown}</{tag}>"

    head = "".join(cell("th", index, text) for index, text in enumerate(headers))
    flags = provisional or [False] * len(rows)
    body = "".join(
        f"<tr{' class=provisional' if flag else ''}>"
        + "".join(cell("td", index, text) for index, text in enumerate(row))
        + "</tr>"
        for flag, row in zip(flags, rows, strict=True)
    )
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{caption_html}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(
    anchor: str, title: str, intro: str, chart: str, chart_name: str, marks: int, numbers: str, *, wide=False
) -> str:
    """A report section: a heading, a sentence on what it shows, the chart and its numbers beside it."""
    return (
        f'<section id="{anchor}"><h2>{esc(title)}</h2><p class="intro">{esc(intro)}</p><div class="pair">'
        f'<figure class="chart" data-chart="{chart_name}" data-marks="{marks}">{chart}</figure>'
        f'<div class="numbers{" wide" if wide else ""}">{numbers}</div></div></section>'
    )


STYLE = """
:root { --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --panel: #ffffff; --page: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--page); }
header { background: #0f172a; color: #f8fafc; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header p { margin: 0; color: #cbd5e1; }
nav { padding: 10px 32px; background: #1e293b; font-size: 13px; }
nav a { color: #e2e8f0; margin-right: 18px; text-decoration: none; }
nav a:hover { text-decoration: underline; }
main { max-width: 1480px; margin: 0 auto; padding: 12px 32px 40px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 14px 0 8px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile .v { font-size: 22px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; }
.tile .s { color: var(--muted); font-size: 12px; }
.tile .p { color: #92400e; font-size: 12px; margin-top: 6px; padding-top: 4px; border-top: 1px dashed #fcd34d; }
.tile .p b { white-space: nowrap; }
.tile.provisional { background: #fffbeb; }
h2.headline { margin: 16px 0 0; font-size: 16px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px 18px;
  margin-top: 18px; }
h2 { margin: 0 0 4px; font-size: 18px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.intro { margin: 0 0 10px; color: var(--muted); max-width: 980px; }
.pair { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
figure.chart { flex: 1 1 560px; min-width: 0; max-width: 720px; margin: 0; overflow-x: auto; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart svg.narrow { display: none; }
figure.chart svg.natural { width: auto; max-width: none; }
figure.chart:has(> svg.natural) { flex-basis: 100%; max-width: none; }
.numbers { flex: 1 1 500px; min-width: 0; max-height: 460px; overflow: auto; }
.numbers.wide { flex-basis: 100%; max-width: none; max-height: 420px; }
.numbers.wide table { font-size: 11px; }
.numbers.wide th, .numbers.wide td { padding: 3px 4px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 3px 7px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td.text { white-space: normal; min-width: 120px; color: var(--muted); }
td .id { display: block; color: var(--muted); font-size: 11px; }
th { position: sticky; top: 0; background: #f1f5f9; font-weight: 600; }
td.num, th.num { text-align: right; }
tr.provisional td { color: #92400e; background: #fffbeb; }
.note { fill: var(--muted); font-size: 11px; }
p.note { color: var(--muted); font-size: 12px; margin: 8px 0 0; }
svg .plot { fill: #ffffff; }
svg .grid { stroke: #e2e8f0; stroke-width: 1; }
svg .axis { stroke: #334155; stroke-width: 1.2; }
svg .reference { stroke: #0f172a; stroke-width: 1.2; stroke-dasharray: 4 3; }
svg .connector { stroke: #334155; stroke-width: 1; }
svg .tick { fill: #475569; font-size: 11px; }
svg .tick.small { font-size: 11px; }
svg .label { fill: #0f172a; font-size: 12px; }
svg .value { fill: #334155; font-size: 11px; }
svg .legend { fill: #0f172a; font-size: 12px; }
svg .group { fill: #0f172a; font-size: 13px; font-weight: 600; }
svg .cell { fill: #0f172a; font-size: 10px; }
svg .mark:hover { opacity: .75; }
footer { color: var(--muted); font-size: 12px; padding: 0 32px 28px; max-width: 1480px; margin: 0 auto; }
/* A phone: the narrow drawing of each chart, less padding, two tiles a row; wide tables scroll in their frame. */
@media (max-width: 640px) {
  figure.chart svg.wide { display: none; }
  figure.chart svg.narrow { display: block; }
  header { padding: 16px 12px 12px; }
  header h1 { font-size: 20px; }
  nav { padding: 8px 12px; }
  nav a { display: inline-block; margin: 2px 14px 2px 0; }
  main { padding: 6px 10px 28px; }
  section { padding: 12px; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .tile { padding: 10px; }
  .tile .v { font-size: 19px; }
  figure.chart, .numbers { flex-basis: 100%; }
  td.text { min-width: 220px; }
  footer { padding: 0 12px 20px; }
}
"""


def _tile(name: str, key: str, row: dict, value: str, sub: str, later: list[tuple[dict, str]]) -> str:
    """One headline number of `row`'s month; the provisional months after it follow, each marked as such."""
    provisional = "".join(
        f'<div class="p" data-month="{other["month"].isoformat()}">{esc(month_label(other["month"]))}, provisional:'
        f" <b>{esc(text)}</b></div>"
        for other, text in later
    )
    marked = " provisional" if row["is_provisional"] else ""
    return (
        f'<div class="tile{marked}" data-tile="{name}" data-month="{row["month"].isoformat()}">'
        f'<div class="k">{esc(key)}</div><div class="v">{esc(value)}</div><div class="s">{esc(sub)}</div>'
        f"{provisional}</div>"
    )


def headline_month(headline: list[dict]) -> dict | None:
    """The row the tiles headline: the newest complete month, or the newest month when none is complete."""
    complete = [row for row in headline if not row["is_provisional"]]
    return (complete or headline or [None])[-1]


def _headline_numbers(row: dict, retention: dict, lookbacks: list[int]) -> list[tuple[str, str, str, str]]:
    """(name, label, value, context) of each headline number of `row`'s month."""
    numbers = [
        ("mrr", "MRR", usd(row["mrr_usd"]), "unadjusted, the top line"),
        (
            "adjusted_mrr",
            "Adjusted MRR",
            usd(row["total_mrr_usd"]),
            f"ARR {usd(row['total_arr_usd'])}; {signed_usd(row['net_change_mrr_usd'])} from the month before",
        ),
        ("active_customers", "Active customers", f"{row['active_customers']:,}", "adjusted MRR above 0"),
    ]
    for lookback in dict.fromkeys(lookbacks[-1:] + lookbacks[:1]):  # the longest lookback, then the shortest
        found = retention.get((row["month"], lookback), {})
        numbers.append(
            (
                f"ndr_{lookback}",
                f"NDR, {lookback} months",
                fraction_pct(found.get("ndr")),
                f"GDR {fraction_pct(found.get('gdr'))}",
            )
        )
    numbers.append(
        ("churn_rate", "Churn rate", pct(row["churn_rate_pct"]), f"expansion {pct(row['expansion_rate_pct'])}")
    )
    return numbers


def tiles(headline: list[dict], rolling: list[dict]) -> str:
    """The headline numbers of the newest complete month, each read from a mart column, with the provisional
    month after it shown in each tile and marked as provisional."""
    shown = headline_month(headline)
    if shown is None:
        return ""
    later = [row for row in headline if row["month"] > shown["month"]]
    retention = {(row["month"], row["lookback_months"]): row for row in rolling}
    lookbacks = sorted({row["lookback_months"] for row in rolling})
    later_numbers = [(row, _headline_numbers(row, retention, lookbacks)) for row in later]
    cards = "".join(
        _tile(name, label, shown, value, context, [(row, numbers[index][2]) for row, numbers in later_numbers])
        for index, (name, label, value, context) in enumerate(_headline_numbers(shown, retention, lookbacks))
    )
    title = month_label(shown["month"]) + (
        " (provisional: no month is complete yet)" if shown["is_provisional"] else ", the last complete month"
    )
    note = (
        f"<p class=note>{esc(', '.join(month_label(row['month']) for row in later))} is provisional: the one-time"
        " credit and spike rules need the following month, so its adjusted numbers may still move. It is shown"
        " under each headline number and shaded in the tables.</p>"
        if later
        else ""
    )
    return f'<h2 class="headline">{esc(title)}</h2><div class=tiles>{cards}</div>{note}'


def page(
    db_path: Path,
    build: dict,
    reporting_month: date | None,
    provisional: bool,
    tiles_html: str,
    sections: list[str],
) -> str:
    """The whole HTML document."""
    built = build.get("built_at")
    built_text = built.strftime("%Y-%m-%d %H:%M UTC") if isinstance(built, datetime) else "unknown"
    fingerprint = (build.get("input_fingerprint") or "")[:12]
    nav = "".join(f'<a href="#{anchor}">{esc(name)}</a>' for anchor, name in NAVIGATION)
    month_text = month_label(reporting_month) if reporting_month else "no data"
    month_state = " (provisional)" if reporting_month and provisional else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<link rel="icon" href="data:,">'
        f"<title>Revenue-retention report, {esc(month_text)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Revenue-retention report</h1><p>Reporting month {esc(month_text + month_state)} · built "
        f"{esc(built_text)} from {esc(db_path.name)} · input fingerprint {esc(fingerprint)}</p></header>"
        f"<nav>{nav}</nav><main>{tiles_html}{''.join(sections)}</main>"
        "<footer>Every number is read from the published tables in schema <code>marts</code>; the rules behind them"
        " are in the dbt docs. Money is USD; ratios are shown as percentages.</footer></body></html>\n"
    )
