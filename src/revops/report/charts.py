"""The report's charts: inline SVG drawn from the rows the queries read, one `mark` element per data point."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from revops.report.formats import compact_usd, esc, fraction_pct, month_label, number, short_month, signed_usd, usd

# Every chart but the heatmap is drawn twice, at two widths in SVG units; the style sheet shows the wide drawing
# on screens wider than a phone and the narrow one on phones, each scaled to its frame, so that chart text
# stays near its drawn size (11-13 px) at 420 px and at 1400 px wide. The heatmap is drawn once at its
# natural size and scrolls sideways within its frame on a phone.
WIDE, NARROW = 680, 400
LEGEND_ROW = 18  # SVG units between two rows of a legend

# Colours (colour-blind-safe where two series are compared).
BLUE, ORANGE, GREY = "#2563eb", "#ea580c", "#64748b"
LOOKBACK_PALETTE = ("#0891b2", "#7c3aed", "#059669", "#b45309", "#be185d")
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


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            return multiple * magnitude
    return 10 * magnitude


def _axis_range(
    values: Sequence[float], *, include_zero: bool, pad: float = 0.05, ticks: int = 5
) -> tuple[float, float, float]:
    low, high = min(values), max(values)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high, low = high + 1, low - (0 if include_zero and low == 0 else 1)
    span = high - low
    if not include_zero or low < 0:
        low -= span * pad
    high += span * pad
    step = _nice_step(high - low, ticks)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _svg(width: int, height: int, body: list[str], label: str, *, natural: bool = False) -> str:
    """An SVG that scales to its frame, or (`natural`) keeps its drawn size in CSS pixels."""
    size = f'class="natural" width="{width}" height="{height}" ' if natural else ""
    return (
        f'<svg {size}xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(label)}" preserveAspectRatio="xMidYMid meet">' + "".join(body) + "</svg>"
    )


def _legend_rows(items: Sequence[tuple[str, str, bool]], x: float, right_edge: float) -> list[list[tuple]]:
    """The legend's items placed in rows that fit between `x` and `right_edge`: (offset, item) per row."""
    rows, offset = [[]], 0.0
    for item in items:
        size = 30 + 7 * len(item[0])
        if rows[-1] and x + offset + size - 8 > right_edge:
            rows.append([])
            offset = 0.0
        rows[-1].append((offset, item))
        offset += size
    return rows


def _legend(rows: list[list[tuple]], x: float, y: float) -> list[str]:
    parts = []
    for number_of_row, row in enumerate(rows):
        line_y = y + number_of_row * LEGEND_ROW
        for offset, (name, colour, dashed) in row:
            dash = ' stroke-dasharray="5 3"' if dashed else ""
            parts.append(
                f'<line x1="{x + offset:.1f}" y1="{line_y}" x2="{x + offset + 18:.1f}" y2="{line_y}" stroke="{colour}" '
                f'stroke-width="2.5"{dash}/><text x="{x + offset + 23:.1f}" y="{line_y + 4}" class="legend">'
                f"{esc(name)}</text>"
            )
    return parts


def both_widths(draw: Callable[..., tuple[str, int]], **arguments) -> tuple[str, int]:
    """The chart `draw` makes, drawn wide and narrow (see WIDE); returns both SVGs and the number of marks of one."""
    wide, marks = draw(width=WIDE, **arguments)
    narrow, narrow_marks = draw(width=NARROW, **arguments)
    assert marks == narrow_marks, (marks, narrow_marks)  # the same data points at both widths
    return wide.replace("<svg ", '<svg class="wide" ', 1) + narrow.replace("<svg ", '<svg class="narrow" ', 1), marks


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
    width: int = WIDE,
    height: int = 340,
) -> tuple[str, int]:
    """A line chart with one circle mark per data point; returns the SVG and the number of marks."""
    left, right, top, bottom = (74 if width > NARROW else 58), 24, 34, 44
    legend = _legend_rows([(one.name, one.colour, one.dashed) for one in series], left, width - right)
    top += LEGEND_ROW * (len(legend) - 1)
    height += LEGEND_ROW * (len(legend) - 1)
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
    every = max(1, math.ceil(len(labels) / max(1, plot_w // 50)))  # a month label is about 40 units wide
    last = len(labels) - 1
    for index, text in enumerate(labels):
        if (index % every == 0 and last - index >= every / 2) or index == last:
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
    body += _legend(legend, left, 16)
    return _svg(width, height, body, label), marks


def bar_chart(
    items: list[tuple[str, float, str]],
    *,
    value_format: Callable[[float], str],
    label: str,
    reference: tuple[float, str] | None = None,
    width: int = WIDE,
    row_height: int = 24,
    label_width: int = 150,
) -> tuple[str, int]:
    """Horizontal bars from a zero line (negative values go left); returns the SVG and the bar count."""
    if not items:
        return _empty(width, 120, label), 0
    top, bottom, right = 14, 34, 70
    height = top + bottom + row_height * len(items)
    values = [value for _, value, _ in items] + ([reference[0]] if reference else [])
    left = label_width
    plot_w = width - left - right
    low, high, step = _axis_range(values, include_zero=True, pad=0.02, ticks=max(2, plot_w // 80))

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


def waterfall_chart(bridges: list[dict], *, label: str, width: int = WIDE, height: int = 380) -> tuple[str, int]:
    """One MRR bridge per month, side by side on a shared axis; returns the SVG and the bar count."""
    if not bridges:
        return _empty(width, height, label), 0
    left, right, top, bottom = 74, 10, 30, 70
    levels = []
    for bridge in bridges:
        level = number(bridge["baseline_mrr_usd"]) or 0.0
        levels.append(level)
        for _, _, column in BRIDGE_STEPS[1:-1]:
            level += number(bridge[column]) or 0.0
            levels.append(level)
        levels.append(number(bridge["total_mrr_usd"]) or 0.0)
    span = max(levels) - min(levels)
    floor_value = max(0.0, min(levels) - max(span * 1.2, max(levels) * 0.02))
    low, high, step = _axis_range([floor_value, max(levels)], include_zero=False, pad=0.04)
    low = max(low, 0.0)
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / len(bridges)
    bar_w = group_w / (len(BRIDGE_STEPS) + 1.2)
    # Step names stand at an angle that keeps them apart: steeper when the bars are narrow.
    angle = -50 if bar_w >= 20 else -80

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
            value = number(bridge[column]) or 0.0
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
                f'transform="rotate({angle} {x + bar_w / 2 + 3:.1f} {top + plot_h + 12})">{esc(name)}</text>'
            )
        month_text = month_label(bridge["month"]) if group_w >= 150 else short_month(bridge["month"])
        title = month_text + ((" (provisional)" if group_w >= 150 else " prov.") if bridge["is_provisional"] else "")
        body.append(
            f'<text x="{x0 + bar_w * len(BRIDGE_STEPS) / 2:.1f}" y="{top - 12}" class="group" '
            f'text-anchor="middle">{esc(title)}</text>'
        )
    if low > 0:
        body.append(
            f'<text x="{left}" y="{height - 4}" class="note">The axis starts at {esc(compact_usd(low))}, '
            "not at 0.</text>"
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


def heatmap_chart(cohorts: list[dict], *, label: str, cell_w: int = 28, cell_h: int = 18) -> tuple[str, int]:
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
        value = number(row["ndr"])
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
    return _svg(width, height, body, label, natural=True), marks


def _empty(width: int, height: int, label: str) -> str:
    return _svg(
        width,
        height,
        [f'<text x="{width / 2}" y="{height / 2}" class="tick" text-anchor="middle">No data</text>'],
        label,
    )
