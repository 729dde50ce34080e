"""The HTML report: one self-contained file built from the published tables.

Every number comes from a published table through the SQL below (sums over customers, ordering and
limits); every business rule stays in the dbt models. Python only lays the numbers out: charts are
inline SVG, the style sheet is inline, the page loads nothing and runs no script, so it opens from a
file with no network. Each chart is a `<figure class="chart" data-chart=NAME>` whose data points are
SVG elements of class `mark`, with its numbers in a table beside it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from revops.errors import RevopsError
from revops.publish import PUBLISHED_SCHEMA

# The published tables the report reads; a file without one of them is not a complete publish.
REQUIRED_TABLES = (
    "mrr_monthly",
    "revenue_adjustments",
    "customer_lifecycle_monthly",
    "lifecycle_components_monthly",
    "retention_rolling_monthly",
    "retention_cohorts",
    "tam_quota_attainment_quarterly",
    "team_quota_attainment_quarterly",
)
BRIDGE_MONTHS = 3  # lifecycle bridges (waterfalls) shown, newest first
MOVERS = 10  # gainers and losers listed
ADJUSTMENT_ROWS = 25  # individual adjustments listed for the reporting month
LOOKBACKS = (3, 6, 12)

QUERIES = {
    "build_info": "select built_at, input_fingerprint, revops_version from meta.build_info",
    "mrr_by_month": """
        select
            month,
            sum(mrr_usd) as mrr_usd,
            sum(adjusted_mrr_usd) as adjusted_mrr_usd,
            count(case when mrr_usd > 0 then 1 end) as paying_customers,
            bool_or(is_provisional) as is_provisional
        from marts.mrr_monthly
        group by month
        order by month
    """,
    "bridges": f"""
        select * from (
            select
                month, baseline_mrr_usd, new_mrr_usd, reactivated_mrr_usd, retained_mrr_usd,
                expansion_mrr_usd, contraction_mrr_usd, churned_mrr_usd, total_mrr_usd,
                new_rate_pct, expansion_rate_pct, contraction_rate_pct, churn_rate_pct,
                new_customers, reactivated_customers, churned_customers, active_customers, is_provisional
            from marts.lifecycle_components_monthly
            where is_in_analysis_window
            order by month desc
            limit {BRIDGE_MONTHS}
        ) as newest
        order by month
    """,
    "rolling_retention": """
        select
            month,
            max(ndr) filter (where lookback_months = 3) as ndr_3,
            max(gdr) filter (where lookback_months = 3) as gdr_3,
            max(ndr) filter (where lookback_months = 6) as ndr_6,
            max(gdr) filter (where lookback_months = 6) as gdr_6,
            max(ndr) filter (where lookback_months = 12) as ndr_12,
            max(gdr) filter (where lookback_months = 12) as gdr_12,
            bool_or(is_provisional) as is_provisional
        from marts.retention_rolling_monthly
        group by month
        order by month
    """,
    "cohorts": """
        select cohort_month, months_since_start, cohort_size, active_customers, starting_mrr_usd, mrr_usd,
            ndr, gdr, logo_retention
        from marts.retention_cohorts
        order by cohort_month, months_since_start
    """,
    # The lifecycle tables hold the whole history; the report shows the analysis window.
    "reporting_month": "select max(month) as month from marts.customer_lifecycle_monthly where is_in_analysis_window",
    "gainers": f"""
        select organization_id, stage, previous_mrr_usd, mrr_usd, mrr_change_usd
        from marts.customer_lifecycle_monthly
        where is_in_analysis_window and month = ? and mrr_change_usd > 0
        order by mrr_change_usd desc, organization_id
        limit {MOVERS}
    """,
    "losers": f"""
        select organization_id, stage, previous_mrr_usd, mrr_usd, mrr_change_usd
        from marts.customer_lifecycle_monthly
        where is_in_analysis_window and month = ? and mrr_change_usd < 0
        order by mrr_change_usd, organization_id
        limit {MOVERS}
    """,
    "adjustments_by_type": """
        select
            adjustment_type,
            min(adjustment_order) as adjustment_order,
            count(*) as changes,
            count(distinct organization_id) as customers,
            sum(mrr_change_usd) as mrr_change_usd
        from marts.revenue_adjustments
        where month = ? and (product_key is null or product_key = '')
        group by adjustment_type
        order by adjustment_order
    """,
    "adjustment_rows": f"""
        select organization_id, adjustment_type, mrr_before_usd, mrr_after_usd, mrr_change_usd, rule_inputs
        from marts.revenue_adjustments
        where month = ? and (product_key is null or product_key = '')
        order by abs(mrr_change_usd) desc, organization_id, adjustment_order
        limit {ADJUSTMENT_ROWS}
    """,
    "adjustment_count": """
        select count(*) as changes
        from marts.revenue_adjustments
        where month = ? and (product_key is null or product_key = '')
    """,
    "quota_quarter": """
        select coalesce(
            max(case when not is_quarter_in_progress then quarter end),
            max(quarter)
        ) as quarter
        from marts.tam_quota_attainment_quarterly
    """,
    "rep_attainment": """
        select owner_id, team, ramp_status, quota_usd, attainment_usd, attainment_pct, book_accounts,
            commissionable_attainment_usd, held_back_attainment_usd, released_held_back_attainment_usd,
            commission_basis, commission_usd, attainment_empty_reason
        from marts.tam_quota_attainment_quarterly
        where quarter = ?
        order by attainment_pct desc nulls last, owner_id
    """,
    "team_attainment": """
        select team, team_quota_usd, attainment_usd, attainment_pct, ramped_members, ramping_members
        from marts.team_quota_attainment_quarterly
        where quarter = ?
        order by team
    """,
}

# Colours (colour-blind-safe where two series are compared).
BLUE, ORANGE, GREY = "#2563eb", "#ea580c", "#64748b"
LOOKBACK_COLOURS = {3: "#0891b2", 6: "#7c3aed", 12: "#059669"}
GAIN, LOSS = "#16a34a", "#dc2626"
BRIDGE_COLOURS = {
    "start": GREY,
    "new": "#15803d",
    "reactivated": "#22c55e",
    "expansion": "#86efac",
    "contraction": "#fb923c",
    "churned": "#dc2626",
    "end": "#334155",
}
MINUS, NONE = "\u2212", "\u2013"  # typographic minus; an en dash for "no value"
ADJUSTMENT_LABELS = {
    "consolidation": "Consolidation",
    "trial": "Trials",
    "one_time_credit": "One-time credits",
    "spike": "Spikes",
    "annual_plan": "Annual plans",
}


@dataclass
class ReportSummary:
    path: Path
    reporting_month: date | None
    charts: dict[str, int] = field(default_factory=dict)  # chart name -> data marks drawn


# Reading -------------------------------------------------------------------------------------------


def _rows(connection: duckdb.DuckDBPyConnection, name: str, *parameters) -> list[dict]:
    cursor = connection.execute(QUERIES[name], list(parameters))
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _open(db_path: Path) -> duckdb.DuckDBPyConnection:
    if not db_path.exists():
        raise RevopsError(f"There is no published database at {db_path}: run `revops run` first.")
    try:
        connection = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        raise RevopsError(f"{db_path} cannot be opened as a DuckDB database: {error}") from None
    present = {
        name
        for (name,) in connection.execute(
            "select table_name from information_schema.tables where table_schema = ?", [PUBLISHED_SCHEMA]
        ).fetchall()
    }
    missing = [table for table in REQUIRED_TABLES if table not in present]
    if missing:
        connection.close()
        raise RevopsError(
            f"{db_path} lacks the published table(s) {', '.join(missing)}: publish it with `revops run` first."
        )
    return connection


# Formatting ----------------------------------------------------------------------------------------


def _number(value) -> float | None:
    return None if value is None else float(value)


def usd(value, cents: bool = False) -> str:
    if value is None:
        return NONE
    amount = float(value)
    text = f"{abs(amount):,.2f}" if cents else f"{abs(amount):,.0f}"
    return f"{MINUS}${text}" if amount < 0 and text.strip("0.,") else f"${text}"


def signed_usd(value) -> str:
    if value is None:
        return NONE
    return ("+" if float(value) > 0 else "") + usd(value)


def compact_usd(value: float) -> str:
    amount = abs(value)
    sign = MINUS if value < 0 else ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            scaled = amount / limit
            return f"{sign}${scaled:,.{0 if scaled >= 100 else 1}f}{suffix}".replace(".0" + suffix, suffix)
    return f"{sign}${amount:,.0f}"


def _signed(number: float, digits: int) -> str:
    text = f"{abs(number):,.{digits}f}"
    return f"{MINUS}{text}" if number < 0 and text.strip("0.,") else text


def fraction_pct(value, digits: int = 1) -> str:
    return NONE if value is None else f"{_signed(float(value) * 100, digits)} %"


def pct(value, digits: int = 1) -> str:
    return NONE if value is None else f"{_signed(float(value), digits)} %"


def month_label(value: date) -> str:
    return value.strftime("%b %Y")


def short_month(value: date) -> str:
    return value.strftime("%b %y")


def esc(value) -> str:
    return html.escape(str(value), quote=True)


# SVG charts ----------------------------------------------------------------------------------------


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _axis_range(values: Sequence[float], *, include_zero: bool, pad: float = 0.05) -> tuple[float, float, float]:
    low, high = min(values), max(values)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high, low = high + 1, low - (0 if include_zero and low == 0 else 1)
    span = high - low
    if not include_zero or low < 0:
        low -= span * pad
    high += span * pad
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(label)}" preserveAspectRatio="xMidYMid meet">' + "".join(body) + "</svg>"
    )


def _legend(items: Sequence[tuple[str, str, bool]], x: float, y: float) -> list[str]:
    parts, offset = [], 0.0
    for name, colour, dashed in items:
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        parts.append(
            f'<line x1="{x + offset:.1f}" y1="{y}" x2="{x + offset + 18:.1f}" y2="{y}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/><text x="{x + offset + 23:.1f}" y="{y + 4}" class="legend">{esc(name)}</text>'
        )
        offset += 30 + 7 * len(name)
    return parts


@dataclass
class Series:
    name: str
    values: list[float | None]
    colour: str
    dashed: bool = False


def line_chart(
    labels: list[str],
    series: list[Series],
    *,
    value_format: Callable[[float], str],
    label: str,
    include_zero: bool = False,
    reference: float | None = None,
    width: int = 760,
    height: int = 340,
) -> tuple[str, int]:
    """A line chart with one circle mark per data point; returns the SVG and the number of marks."""
    left, right, top, bottom = 74, 16, 34, 44
    values = [value for one in series for value in one.values if value is not None]
    if reference is not None:
        values.append(reference)
    if not values:
        return _empty(width, height, label), 0
    low, high, step = _axis_range(values, include_zero=include_zero)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_at(index: int) -> float:
        return left + (plot_w * index / (len(labels) - 1) if len(labels) > 1 else plot_w / 2)

    def y_at(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" class="plot"/>']
    tick = low
    while tick <= high + step / 2:
        y = y_at(tick)
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        body.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" class="tick" text-anchor="end">{esc(value_format(tick))}</text>'
        )
        tick += step
    if reference is not None:
        y = y_at(reference)
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="reference"/>')
    every = max(1, math.ceil(len(labels) / 12))
    for index, text in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            body.append(
                f'<text x="{x_at(index):.1f}" y="{top + plot_h + 18}" class="tick" text-anchor="middle">{esc(text)}</text>'
            )
    marks = 0
    for one in series:
        segments, current = [], []
        for index, value in enumerate(one.values):
            if value is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x_at(index):.1f},{y_at(value):.1f}")
        if current:
            segments.append(current)
        dash = ' stroke-dasharray="6 4"' if one.dashed else ""
        for segment in segments:
            body.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{one.colour}" stroke-width="2.2"{dash}/>'
            )
        for index, value in enumerate(one.values):
            if value is not None:
                marks += 1
                body.append(
                    f'<circle cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="2.8" fill="{one.colour}" class="mark">'
                    f"<title>{esc(one.name)}, {esc(labels[index])}: {esc(value_format(value))}</title></circle>"
                )
    body += _legend([(one.name, one.colour, one.dashed) for one in series], left, 16)
    return _svg(width, height, body, label), marks


def bar_chart(
    items: list[tuple[str, float, str]],
    *,
    value_format: Callable[[float], str],
    label: str,
    reference: tuple[float, str] | None = None,
    width: int = 760,
    row_height: int = 24,
    label_width: int = 150,
) -> tuple[str, int]:
    """Horizontal bars from a zero line (negative values go left); returns the SVG and the bar count."""
    if not items:
        return _empty(width, 120, label), 0
    top, bottom, right = 14, 34, 70
    height = top + bottom + row_height * len(items)
    values = [value for _, value, _ in items] + ([reference[0]] if reference else [])
    low, high, step = _axis_range(values, include_zero=True, pad=0.02)
    left = label_width
    plot_w = width - left - right

    def x_at(value: float) -> float:
        return left + plot_w * (value - low) / (high - low)

    body = []
    tick = low
    while tick <= high + step / 2:
        x = x_at(tick)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" class="grid"/>')
        body.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" class="tick" text-anchor="middle">{esc(value_format(tick))}</text>'
        )
        tick += step
    zero = x_at(0)
    for index, (name, value, colour) in enumerate(items):
        y = top + index * row_height
        start, end = sorted((zero, x_at(value)))
        body.append(
            f'<rect x="{start:.1f}" y="{y + 4}" width="{max(end - start, 1):.1f}" height="{row_height - 8}" '
            f'fill="{colour}" class="mark"><title>{esc(name)}: {esc(value_format(value))}</title></rect>'
        )
        body.append(
            f'<text x="{left - 8}" y="{y + row_height / 2 + 4:.1f}" class="label" text-anchor="end">{esc(name)}</text>'
        )
        outside = end + 5 if value >= 0 else start - 5
        anchor = "start" if value >= 0 else "end"
        body.append(
            f'<text x="{outside:.1f}" y="{y + row_height / 2 + 4:.1f}" class="value" text-anchor="{anchor}">'
            f"{esc(value_format(value))}</text>"
        )
    body.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{top}" y2="{height - bottom}" class="axis"/>')
    if reference:
        x = x_at(reference[0])
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - bottom}" class="reference"/>')
        body.append(f'<text x="{x + 4:.1f}" y="{top + 6}" class="tick">{esc(reference[1])}</text>')
    return _svg(width, height, body, label), len(items)


BRIDGE_STEPS = (
    ("start", "Start", "baseline_mrr_usd"),
    ("new", "New", "new_mrr_usd"),
    ("reactivated", "React.", "reactivated_mrr_usd"),
    ("expansion", "Expan.", "expansion_mrr_usd"),
    ("contraction", "Contr.", "contraction_mrr_usd"),
    ("churned", "Churn", "churned_mrr_usd"),
    ("end", "End", "total_mrr_usd"),
)


def waterfall_chart(bridges: list[dict], *, label: str, width: int = 760, height: int = 380) -> tuple[str, int]:
    """One MRR bridge per month, side by side on a shared axis; returns the SVG and the bar count."""
    if not bridges:
        return _empty(width, height, label), 0
    left, right, top, bottom = 74, 10, 30, 70
    levels = []
    for bridge in bridges:
        level = _number(bridge["baseline_mrr_usd"]) or 0.0
        levels.append(level)
        for _, _, column in BRIDGE_STEPS[1:-1]:
            level += _number(bridge[column]) or 0.0
            levels.append(level)
        levels.append(_number(bridge["total_mrr_usd"]) or 0.0)
    span = max(levels) - min(levels)
    floor_value = max(0.0, min(levels) - max(span * 1.2, max(levels) * 0.02))
    low, high, step = _axis_range([floor_value, max(levels)], include_zero=False, pad=0.04)
    low = max(low, 0.0)
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / len(bridges)
    bar_w = group_w / (len(BRIDGE_STEPS) + 1.2)

    def y_at(value: float) -> float:
        return top + plot_h * (high - max(value, low)) / (high - low)

    body = []
    tick = low
    while tick <= high + step / 2:
        y = y_at(tick)
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        body.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" class="tick" text-anchor="end">{esc(compact_usd(tick))}</text>'
        )
        tick += step
    marks = 0
    for group, bridge in enumerate(bridges):
        x0 = left + group * group_w + bar_w * 0.6
        level = None  # the running MRR after the previous bar
        for index, (key, name, column) in enumerate(BRIDGE_STEPS):
            value = _number(bridge[column]) or 0.0
            x = x0 + index * bar_w
            if level is not None:
                y = y_at(level)
                body.append(f'<line x1="{x - 3:.1f}" x2="{x + 2:.1f}" y1="{y:.1f}" y2="{y:.1f}" class="connector"/>')
            if key in ("start", "end"):
                bottom_value, top_value, level = low, value, value
            else:
                bottom_value, top_value = sorted((level, level + value))
                level += value
            y1, y2 = y_at(top_value), y_at(bottom_value)
            shown = signed_usd(value) if key not in ("start", "end") else usd(value)
            body.append(
                f'<rect x="{x + 2:.1f}" y="{y1:.1f}" width="{bar_w - 4:.1f}" height="{max(y2 - y1, 1):.1f}" '
                f'fill="{BRIDGE_COLOURS[key]}" class="mark"><title>{esc(month_label(bridge["month"]))}, '
                f"{esc(name)}: {esc(shown)}</title></rect>"
            )
            marks += 1
            body.append(
                f'<text x="{x + bar_w / 2 + 3:.1f}" y="{top + plot_h + 12}" class="tick small" text-anchor="end" '
                f'transform="rotate(-50 {x + bar_w / 2 + 3:.1f} {top + plot_h + 12})">{esc(name)}</text>'
            )
        title = month_label(bridge["month"]) + (" (provisional)" if bridge["is_provisional"] else "")
        body.append(
            f'<text x="{x0 + bar_w * len(BRIDGE_STEPS) / 2:.1f}" y="{top - 12}" class="group" '
            f'text-anchor="middle">{esc(title)}</text>'
        )
    if low > 0:
        body.append(
            f'<text x="{left}" y="{height - 4}" class="note">The axis starts at {esc(compact_usd(low))}, not at 0, '
            "so the month's changes are visible.</text>"
        )
    return _svg(width, height, body, label), marks


def _heat_colour(value: float | None) -> str:
    """Red below 100 % NDR, white at 100 %, green above (clamped at 50 % and 150 %)."""
    if value is None:
        return "#f1f5f9"
    t = max(-1.0, min(1.0, (value - 1.0) / 0.5))
    if t < 0:
        red, green, blue = 255, round(255 + t * (255 - 110)), round(255 + t * (255 - 95))
    else:
        red, green, blue = round(255 - t * (255 - 22)), round(255 - t * (255 - 163)), round(255 - t * (255 - 74))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heatmap_chart(cohorts: list[dict], *, label: str, cell_w: int = 26, cell_h: int = 17) -> tuple[str, int]:
    """Cohort by months since start, coloured by NDR, with the value in each cell."""
    if not cohorts:
        return _empty(760, 200, label), 0
    months = sorted({row["cohort_month"] for row in cohorts})
    ages = max(row["months_since_start"] for row in cohorts) + 1
    left, top = 86, 40
    width, height = left + cell_w * ages + 10, top + cell_h * len(months) + 34
    row_of = {month: index for index, month in enumerate(months)}
    sizes = {row["cohort_month"]: row["cohort_size"] for row in cohorts if row["months_since_start"] == 0}
    body = [f'<text x="{left}" y="14" class="tick">Months since the cohort\'s first paying month →</text>']
    for age in range(ages):
        if age % 3 == 0:
            body.append(
                f'<text x="{left + age * cell_w + cell_w / 2:.1f}" y="{top - 8}" class="tick" text-anchor="middle">{age}</text>'
            )
    for month, index in row_of.items():
        body.append(
            f'<text x="{left - 6}" y="{top + index * cell_h + cell_h - 5}" class="tick" text-anchor="end">'
            f"{esc(short_month(month))} ({sizes.get(month, 0)})</text>"
        )
    marks = 0
    for row in cohorts:
        value = _number(row["ndr"])
        x, y = left + row["months_since_start"] * cell_w, top + row_of[row["cohort_month"]] * cell_h
        tip = (
            f"Cohort {short_month(row['cohort_month'])}, month {row['months_since_start']}: NDR "
            f"{fraction_pct(row['ndr'])}, GDR {fraction_pct(row['gdr'])}, logo retention "
            f"{fraction_pct(row['logo_retention'])}, {row['active_customers']} of {row['cohort_size']} customers"
        )
        body.append(
            f'<rect x="{x}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" fill="{_heat_colour(value)}" '
            f'class="mark"><title>{esc(tip)}</title></rect>'
        )
        if value is not None:
            body.append(
                f'<text x="{x + cell_w / 2 - 0.5:.1f}" y="{y + cell_h - 5}" class="cell" text-anchor="middle">'
                f"{value * 100:.0f}</text>"
            )
        marks += 1
    legend_y = height - 16
    for step, value in enumerate((0.5, 0.75, 1.0, 1.25, 1.5)):
        x = left + step * 70
        body.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="14" height="12" fill="{_heat_colour(value)}" class="key"/>'
        )
        body.append(f'<text x="{x + 18}" y="{legend_y}" class="tick">{value * 100:.0f} %</text>')
    body.append(f'<text x="{left + 5 * 70 + 10}" y="{legend_y}" class="tick">NDR; (n) = cohort size</text>')
    return _svg(width, height, body, label), marks


def _empty(width: int, height: int, label: str) -> str:
    return _svg(
        width,
        height,
        [f'<text x="{width / 2}" y="{height / 2}" class="tick" text-anchor="middle">No data</text>'],
        label,
    )


# HTML ----------------------------------------------------------------------------------------------


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
    text; flagged (provisional) rows are shaded."""

    def cell(tag: str, index: int, text) -> str:
        kind = "text" if text_from is not None and index >= text_from else "num" if index >= numeric_from else ""
        return f"<{tag}{' class=' + kind if kind else ''}>{esc(text)}</{tag}>"

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
section { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px 18px;
  margin-top: 18px; }
h2 { margin: 0 0 4px; font-size: 18px; }
h3 { font-size: 14px; margin: 14px 0 6px; }
.intro { margin: 0 0 10px; color: var(--muted); max-width: 980px; }
.pair { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
figure.chart { flex: 1 1 560px; min-width: 0; max-width: 900px; margin: 0; }
figure.chart svg { width: 100%; height: auto; display: block; }
.numbers { flex: 1 1 500px; min-width: 0; max-height: 460px; overflow: auto; }
.numbers.wide { flex-basis: 100%; max-width: none; max-height: 420px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
th, td { padding: 3px 7px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td.text { white-space: normal; min-width: 160px; color: var(--muted); }
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
svg .tick.small { font-size: 10.5px; }
svg .label { fill: #0f172a; font-size: 12px; }
svg .value { fill: #334155; font-size: 11px; }
svg .legend { fill: #0f172a; font-size: 12px; }
svg .group { fill: #0f172a; font-size: 13px; font-weight: 600; }
svg .cell { fill: #0f172a; font-size: 8.5px; }
svg .mark:hover { opacity: .75; }
footer { color: var(--muted); font-size: 12px; padding: 0 32px 28px; max-width: 1480px; margin: 0 auto; }
"""


def _tile(key: str, value: str, sub: str = "") -> str:
    return f'<div class="tile"><div class="k">{esc(key)}</div><div class="v">{esc(value)}</div><div class="s">{esc(sub)}</div></div>'


def build_report(db_path: Path, out_path: Path) -> ReportSummary:
    """Write the HTML report of the published file `db_path` to `out_path`."""
    db_path, out_path = Path(db_path), Path(out_path)
    with _open(db_path) as connection:
        has_build_info = connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'build_info'"
        ).fetchone()[0]
        build = _rows(connection, "build_info")[0] if has_build_info else {}
        mrr = _rows(connection, "mrr_by_month")
        bridges = _rows(connection, "bridges")
        rolling = _rows(connection, "rolling_retention")
        cohorts = _rows(connection, "cohorts")
        reporting_month = _rows(connection, "reporting_month")[0]["month"]
        gainers = _rows(connection, "gainers", reporting_month)
        losers = _rows(connection, "losers", reporting_month)
        adjustments_by_month = [
            (bridge["month"], _rows(connection, "adjustments_by_type", bridge["month"])) for bridge in bridges
        ]
        adjustment_rows = _rows(connection, "adjustment_rows", reporting_month)
        adjustment_count = _rows(connection, "adjustment_count", reporting_month)[0]["changes"]
        quarter = _rows(connection, "quota_quarter")[0]["quarter"]
        reps = _rows(connection, "rep_attainment", quarter)
        teams = _rows(connection, "team_attainment", quarter)

    summary = ReportSummary(path=out_path, reporting_month=reporting_month)
    sections = [
        _mrr_section(mrr, summary),
        _bridge_section(bridges, summary),
        _adjustments_section(adjustments_by_month, adjustment_rows, adjustment_count, reporting_month, summary),
        _rolling_section(rolling, summary),
        _cohort_section(cohorts, summary),
        _movers_section(gainers, losers, reporting_month, summary),
        _quota_section(reps, teams, quarter, summary),
    ]
    page = _page(db_path, build, mrr, bridges, rolling, reporting_month, sections)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_name(f".{out_path.name}.writing")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(out_path)
    return summary


def _page(db_path, build, mrr, bridges, rolling, reporting_month, sections) -> str:
    latest = mrr[-1] if mrr else None
    previous = mrr[-2] if len(mrr) > 1 else None
    latest_bridge = bridges[-1] if bridges else None
    latest_retention = rolling[-1] if rolling else None
    tiles = []
    if latest:
        change = (
            f"{signed_usd(latest['mrr_usd'] - previous['mrr_usd'])} vs {short_month(previous['month'])}"
            if previous
            else ""
        )
        tiles += [
            _tile(f"MRR, {month_label(latest['month'])}", usd(latest["mrr_usd"]), change),
            _tile("Adjusted MRR", usd(latest["adjusted_mrr_usd"]), "the basis of lifecycle and retention"),
            _tile("Paying customers", f"{latest['paying_customers']:,}", "unadjusted MRR above 0"),
        ]
    if latest_retention:
        tiles += [
            _tile(
                "NDR, 12 months",
                fraction_pct(latest_retention["ndr_12"]),
                f"GDR {fraction_pct(latest_retention['gdr_12'])}",
            ),
            _tile(
                "NDR, 3 months",
                fraction_pct(latest_retention["ndr_3"]),
                f"GDR {fraction_pct(latest_retention['gdr_3'])}",
            ),
        ]
    if latest_bridge:
        tiles.append(
            _tile(
                "Churn rate",
                pct(latest_bridge["churn_rate_pct"]),
                f"expansion {pct(latest_bridge['expansion_rate_pct'])}",
            )
        )
    provisional = (
        f"<p class=note>{esc(month_label(reporting_month))} is provisional: the one-time credit and spike rules need"
        " the following month, so its adjusted numbers may still move.</p>"
        if latest and latest["is_provisional"]
        else ""
    )
    built = build.get("built_at")
    built_text = built.strftime("%Y-%m-%d %H:%M UTC") if isinstance(built, datetime) else "unknown"
    fingerprint = (build.get("input_fingerprint") or "")[:12]
    nav = "".join(
        f'<a href="#{anchor}">{esc(name)}</a>'
        for anchor, name in (
            ("mrr", "MRR"),
            ("bridge", "Lifecycle bridge"),
            ("adjustments", "Adjustments"),
            ("rolling", "Rolling NDR/GDR"),
            ("cohorts", "Cohorts"),
            ("movers", "Gainers and losers"),
            ("quota", "Quota attainment"),
        )
    )
    month_text = month_label(reporting_month) if reporting_month else "no data"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<link rel="icon" href="data:,">'
        f"<title>Revenue-retention report, {esc(month_text)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Revenue-retention report</h1><p>Reporting month {esc(month_text)} · built "
        f"{esc(built_text)} from {esc(db_path.name)} · input fingerprint {esc(fingerprint)}</p></header>"
        f"<nav>{nav}</nav><main><div class=tiles>{''.join(tiles)}</div>{provisional}{''.join(sections)}</main>"
        "<footer>Every number is read from the published tables in schema <code>marts</code>; the rules behind them"
        " are in the dbt docs. Money is USD; ratios are shown as percentages.</footer></body></html>\n"
    )


def _mrr_section(mrr: list[dict], summary: ReportSummary) -> str:
    labels = [short_month(row["month"]) for row in mrr]
    chart, marks = line_chart(
        labels,
        [
            Series("MRR (unadjusted)", [_number(row["mrr_usd"]) for row in mrr], BLUE),
            Series("Adjusted MRR", [_number(row["adjusted_mrr_usd"]) for row in mrr], ORANGE, dashed=True),
        ],
        value_format=compact_usd,
        include_zero=True,
        label="MRR and adjusted MRR by month",
    )
    summary.charts["mrr"] = marks
    newest_first = list(reversed(mrr))
    rows = [
        (
            month_label(row["month"]),
            usd(row["mrr_usd"]),
            usd(row["adjusted_mrr_usd"]),
            signed_usd(row["adjusted_mrr_usd"] - row["mrr_usd"]),
            f"{row['paying_customers']:,}",
        )
        for row in newest_first
    ]
    numbers = table(
        ["Month", "MRR", "Adjusted MRR", "Difference", "Paying"],
        rows,
        provisional=[row["is_provisional"] for row in newest_first],
    )
    return section(
        "mrr",
        "MRR and adjusted MRR",
        "Unadjusted MRR is the top line; adjusted MRR (after consolidation, trials, one-time credits, spikes and annual"
        " plans) is what lifecycle and retention use. Provisional months are shaded in the table.",
        chart,
        "mrr",
        marks,
        numbers,
    )


def _bridge_section(bridges: list[dict], summary: ReportSummary) -> str:
    chart, marks = waterfall_chart(bridges, label="Monthly MRR bridge")
    summary.charts["bridge"] = marks
    headers = ["Component", *(short_month(bridge["month"]) for bridge in bridges)]
    lines = [
        ("Start (previous month)", "baseline_mrr_usd", usd),
        ("New", "new_mrr_usd", signed_usd),
        ("Reactivated", "reactivated_mrr_usd", signed_usd),
        ("Expansion", "expansion_mrr_usd", signed_usd),
        ("Contraction", "contraction_mrr_usd", signed_usd),
        ("Churned", "churned_mrr_usd", signed_usd),
        ("End (adjusted MRR)", "total_mrr_usd", usd),
        ("Retained", "retained_mrr_usd", usd),
        ("New rate", "new_rate_pct", pct),
        ("Expansion rate", "expansion_rate_pct", pct),
        ("Contraction rate", "contraction_rate_pct", pct),
        ("Churn rate", "churn_rate_pct", pct),
        ("New customers", "new_customers", str),
        ("Reactivated customers", "reactivated_customers", str),
        ("Churned customers", "churned_customers", str),
        ("Active customers", "active_customers", str),
    ]
    rows = [(name, *(formatter(bridge[column]) for bridge in bridges)) for name, column, formatter in lines]
    return section(
        "bridge",
        f"Lifecycle bridge, last {len(bridges)} months",
        "How adjusted MRR moved from the previous month to this one: new and reactivated customers, expansion of"
        " growing ones, contraction of shrinking ones and churn. The bridge closes exactly every month.",
        chart,
        "bridge",
        marks,
        table(headers, rows),
    )


def _adjustments_section(by_month, rows, count, reporting_month, summary: ReportSummary) -> str:
    items = [
        (
            f"{ADJUSTMENT_LABELS.get(row['adjustment_type'], row['adjustment_type'])}, {short_month(month)}",
            _number(row["mrr_change_usd"]),
            GAIN if row["mrr_change_usd"] >= 0 else LOSS,
        )
        for month, month_rows in by_month
        for row in month_rows
    ]
    chart, marks = bar_chart(
        items, value_format=compact_usd, label="MRR moved by each adjustment, by month", label_width=160
    )
    summary.charts["adjustments"] = marks
    types = sorted(
        {row["adjustment_type"]: row["adjustment_order"] for _, month_rows in by_month for row in month_rows}.items(),
        key=lambda item: item[1],
    )
    totals = {(month, row["adjustment_type"]): row for month, month_rows in by_month for row in month_rows}
    summary_rows = [
        (
            ADJUSTMENT_LABELS.get(kind, kind),
            *(
                f"{signed_usd(totals[(month, kind)]['mrr_change_usd'])} ({totals[(month, kind)]['customers']})"
                if (month, kind) in totals
                else NONE
                for month, _ in by_month
            ),
        )
        for kind, _ in types
    ]
    by_type = table(
        ["Adjustment", *(short_month(month) for month, _ in by_month)],
        summary_rows,
        caption="MRR moved by each adjustment (customers)",
    )
    listed = table(
        ["Customer", "Adjustment", "Before", "After", "Change", "Rule inputs"],
        [
            (
                row["organization_id"],
                ADJUSTMENT_LABELS.get(row["adjustment_type"], row["adjustment_type"]),
                usd(row["mrr_before_usd"], cents=True),
                usd(row["mrr_after_usd"], cents=True),
                signed_usd(row["mrr_change_usd"]),
                row["rule_inputs"] or "",
            )
            for row in rows
        ],
        numeric_from=2,
        text_from=5,
        caption=f"The largest of the {count:,} changes in {month_label(reporting_month)}"
        if reporting_month
        else "No changes",
    )
    more = (
        f"<p class=note>{count - len(rows):,} smaller changes are not listed; every change is a row of"
        " <code>marts.revenue_adjustments</code>.</p>"
        if count > len(rows)
        else ""
    )
    return section(
        "adjustments",
        f"Adjustments that moved {month_label(reporting_month) if reporting_month else 'the month'}",
        "Each adjustment applies to the output of the previous one, in the order listed. Consolidation is already part of"
        " unadjusted MRR (top-line revenue includes every account of a customer); the others turn MRR into adjusted MRR.",
        chart,
        "adjustments",
        marks,
        by_type + "<h3></h3>" + listed + more,
    )


def _rolling_section(rolling: list[dict], summary: ReportSummary) -> str:
    labels = [short_month(row["month"]) for row in rolling]
    series = []
    for lookback in LOOKBACKS:
        series.append(
            Series(
                f"NDR {lookback} m", [_number(row[f"ndr_{lookback}"]) for row in rolling], LOOKBACK_COLOURS[lookback]
            )
        )
    for lookback in LOOKBACKS:
        series.append(
            Series(
                f"GDR {lookback} m",
                [_number(row[f"gdr_{lookback}"]) for row in rolling],
                LOOKBACK_COLOURS[lookback],
                dashed=True,
            )
        )
    chart, marks = line_chart(
        labels,
        series,
        value_format=lambda value: fraction_pct(value, 0),
        reference=1.0,
        label="Rolling NDR and GDR",
    )
    summary.charts["rolling"] = marks
    newest_first = list(reversed(rolling))
    rows = [
        (
            month_label(row["month"]),
            *(fraction_pct(row[f"{kind}_{lookback}"]) for lookback in LOOKBACKS for kind in ("ndr", "gdr")),
        )
        for row in newest_first
    ]
    headers = ["Month", *(f"{kind.upper()} {lookback} m" for lookback in LOOKBACKS for kind in ("ndr", "gdr"))]
    return section(
        "rolling",
        "Rolling net and gross dollar retention",
        "For each month and a lookback of 3, 6 or 12 months: the MRR now of the customers who had at least the"
        " threshold ARR back then, over their MRR then (NDR), and the same with each customer capped at its MRR then"
        " (GDR). Solid lines NDR, dashed GDR; the dotted line is 100 %.",
        chart,
        "rolling",
        marks,
        table(headers, rows, provisional=[row["is_provisional"] for row in newest_first]),
    )


def _cohort_section(cohorts: list[dict], summary: ReportSummary) -> str:
    chart, marks = heatmap_chart(cohorts, label="Cohort net dollar retention")
    summary.charts["cohorts"] = marks
    months = sorted({row["cohort_month"] for row in cohorts})
    ages = (max(row["months_since_start"] for row in cohorts) + 1) if cohorts else 0
    cell = {(row["cohort_month"], row["months_since_start"]): row for row in cohorts}
    rows = []
    for month in months:
        first = cell.get((month, 0))
        rows.append(
            (
                short_month(month),
                first["cohort_size"] if first else "",
                usd(first["starting_mrr_usd"]) if first else "",
                *(
                    f"{float(cell[(month, age)]['ndr']) * 100:.0f}"
                    if (month, age) in cell and cell[(month, age)]["ndr"] is not None
                    else ""
                    for age in range(ages)
                ),
            )
        )
    numbers = table(
        ["Cohort", "Customers", "Starting MRR", *(str(age) for age in range(ages))],
        rows,
        caption="NDR in % by months since start",
    )
    return section(
        "cohorts",
        "Cohort retention",
        "Customers grouped by their first paying month (the cohort); each cell is the cohort's adjusted MRR that many"
        " months later over its MRR in month 0 (NDR), in %. Hover a cell for GDR and logo retention.",
        chart,
        "cohorts",
        marks,
        numbers,
        wide=True,
    )


def _movers_section(gainers: list[dict], losers: list[dict], reporting_month, summary: ReportSummary) -> str:
    items = [(row["organization_id"], _number(row["mrr_change_usd"]), GAIN) for row in gainers]
    items += [(row["organization_id"], _number(row["mrr_change_usd"]), LOSS) for row in reversed(losers)]
    chart, marks = bar_chart(items, value_format=compact_usd, label="Biggest gainers and losers")
    summary.charts["movers"] = marks
    headers = ["Customer", "Stage", "Previous MRR", "MRR", "Change"]

    def lines(rows):
        return [
            (
                row["organization_id"],
                row["stage"].capitalize(),
                usd(row["previous_mrr_usd"], cents=True),
                usd(row["mrr_usd"], cents=True),
                signed_usd(row["mrr_change_usd"]),
            )
            for row in rows
        ]

    numbers = table(headers, lines(gainers), numeric_from=2, caption="Gainers") + table(
        headers, lines(losers), numeric_from=2, caption="Losers"
    )
    month_text = month_label(reporting_month) if reporting_month else "the last month"
    return section(
        "movers",
        f"Biggest gainers and losers, {month_text}",
        f"The {MOVERS} customers whose adjusted MRR grew most and the {MOVERS} whose fell most from the previous month"
        " (new, reactivated and churned customers included).",
        chart,
        "movers",
        marks,
        numbers,
    )


def _quota_section(reps: list[dict], teams: list[dict], quarter, summary: ReportSummary) -> str:
    items = [
        (
            f"{row['owner_id']} ({row['team']})",
            _number(row["attainment_pct"]),
            GAIN if (row["attainment_pct"] or 0) >= 100 else BLUE,
        )
        for row in reps
        if row["attainment_pct"] is not None
    ]
    items += [
        (f"Team {row['team']}", _number(row["attainment_pct"]), "#0f766e")
        for row in teams
        if row["attainment_pct"] is not None
    ]
    chart, marks = bar_chart(
        items,
        value_format=lambda value: pct(value, 0),
        reference=(100.0, "quota"),
        label="TAM and team quota attainment",
        label_width=170,
    )
    summary.charts["quota"] = marks
    rep_table = table(
        [
            "TAM",
            "Team",
            "Ramp",
            "Quota",
            "Counted",
            "Attainment %",
            "Commissionable",
            "Held back",
            "Released",
            "Book",
            "Commission",
        ],
        [
            (
                row["owner_id"],
                row["team"] or "",
                row["ramp_status"] or "",
                usd(row["quota_usd"]),
                signed_usd(row["attainment_usd"]),
                pct(row["attainment_pct"]),
                signed_usd(row["commissionable_attainment_usd"]),
                usd(row["held_back_attainment_usd"]),
                usd(row["released_held_back_attainment_usd"]),
                row["book_accounts"],
                usd(row["commission_usd"]) + (" (team)" if row["commission_basis"] == "team" else ""),
            )
            for row in reps
        ],
        numeric_from=3,
        caption=f"TAMs, {quarter}",
    )
    team_table = table(
        ["Team", "Team quota", "Attainment", "Attainment %", "Ramped", "Ramping"],
        [
            (
                row["team"],
                usd(row["team_quota_usd"]),
                signed_usd(row["attainment_usd"]),
                pct(row["attainment_pct"]),
                row["ramped_members"],
                row["ramping_members"],
            )
            for row in teams
        ],
        caption=f"Teams, {quarter}",
    )
    return section(
        "quota",
        f"TAM quota attainment, {quarter or 'no quarter'}",
        "Attainment is the change in quota ARR of each TAM's AM Managed book from the previous quarter measured like"
        " for like (against this quarter's contract run rates), over the quota (the latest complete quarter)."
        " Counted attainment has the grace and optimization rules applied; commissionable is what earns commission"
        " this quarter; held back waits for invoices paid after the 14th day of the next quarter and is paid, as"
        " released, in the quarter the last one is paid. Bars at or above 100 % are green; team bars follow the reps.",
        chart,
        "quota",
        marks,
        rep_table + team_table,
    )
