"""The report's sections, one per published view of the business: a heading, a sentence on what it shows,
the chart and its numbers in a table beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from revops.report.charts import (
    BLUE,
    GAIN,
    LOOKBACK_PALETTE,
    LOSS,
    ORANGE,
    Series,
    bar_chart,
    both_widths,
    heatmap_chart,
    line_chart,
    waterfall_chart,
)
from revops.report.formats import (
    NONE,
    compact_usd,
    fraction_pct,
    month_label,
    number,
    pct,
    short_month,
    signed_usd,
    usd,
)
from revops.report.page import section, table

ADJUSTMENT_LABELS = {
    "consolidation": "Consolidation",
    "constant_currency": "Constant currency",
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


def mrr_section(mrr: list[dict], summary: ReportSummary) -> str:
    labels = [short_month(row["month"]) for row in mrr]
    chart, marks = both_widths(
        line_chart,
        labels=labels,
        series=[
            Series("MRR (unadjusted)", [number(row["mrr_usd"]) for row in mrr], BLUE),
            Series("Adjusted MRR", [number(row["adjusted_mrr_usd"]) for row in mrr], ORANGE, dashed=True),
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
            signed_usd(row["adjustments_net_usd"]),
            usd(row["total_arr_usd"]),
            NONE if row["active_customers"] is None else f"{row['active_customers']:,}",
        )
        for row in newest_first
    ]
    numbers = table(
        ["Month", "MRR", "Adjusted MRR", "Adjustments", "Adjusted ARR", "Active customers"],
        rows,
        provisional=[row["is_provisional"] for row in newest_first],
    )
    return section(
        "mrr",
        "MRR and adjusted MRR",
        "Unadjusted MRR is the top line; adjusted MRR (after consolidation, constant currency, trials, one-time credits,"
        " spikes and annual plans) is what lifecycle and retention use. Provisional months are shaded in the table.",
        chart,
        "mrr",
        marks,
        numbers,
    )


def bridge_section(bridges: list[dict], summary: ReportSummary) -> str:
    chart, marks = both_widths(waterfall_chart, bridges=bridges, label="Monthly MRR bridge")
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


def adjustments_section(by_month, rows, reporting_month, summary: ReportSummary, *, provisional: bool = False) -> str:
    items = [
        (
            f"{ADJUSTMENT_LABELS.get(row['adjustment_type'], row['adjustment_type'])}, {short_month(month)}",
            number(row["mrr_change_usd"]),
            GAIN if row["mrr_change_usd"] >= 0 else LOSS,
        )
        for month, month_rows in by_month
        for row in month_rows
    ]
    chart, marks = both_widths(
        bar_chart,
        items=items,
        value_format=compact_usd,
        label="MRR moved by each adjustment, by month",
        label_width=160,
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
                (row["company_name"] or NONE, row["organization_id"]),
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
        caption=f"The {len(rows)} largest changes in {month_label(reporting_month)}"
        if reporting_month
        else "No changes",
    )
    more = (
        "<p class=note>Every change is a row of <code>marts.revenue_adjustments</code>; the table above counts them"
        " by adjustment.</p>"
    )
    return section(
        "adjustments",
        f"Adjustments that moved {month_label(reporting_month) if reporting_month else 'the month'}"
        + (" (provisional)" if provisional else ""),
        "Each adjustment applies to the output of the previous one, in the order listed. Consolidation is already part of"
        " unadjusted MRR (top-line revenue includes every account of a customer); the others turn MRR into adjusted MRR.",
        chart,
        "adjustments",
        marks,
        by_type + "<h3></h3>" + listed + more,
    )


def rolling_section(rolling: list[dict], summary: ReportSummary) -> str:
    """Rolling NDR and GDR, one series per lookback the mart holds (`retention_lookback_months`)."""
    months = sorted({row["month"] for row in rolling})
    lookbacks = sorted({row["lookback_months"] for row in rolling})
    cell = {(row["month"], row["lookback_months"]): row for row in rolling}
    colours = {lookback: LOOKBACK_PALETTE[index % len(LOOKBACK_PALETTE)] for index, lookback in enumerate(lookbacks)}

    def values(lookback: int, kind: str) -> list[float | None]:
        return [number(cell[(month, lookback)][kind]) if (month, lookback) in cell else None for month in months]

    series = [Series(f"NDR {lookback} m", values(lookback, "ndr"), colours[lookback]) for lookback in lookbacks]
    series += [
        Series(f"GDR {lookback} m", values(lookback, "gdr"), colours[lookback], dashed=True) for lookback in lookbacks
    ]
    chart, marks = both_widths(
        line_chart,
        labels=[short_month(month) for month in months],
        series=series,
        value_format=lambda value: fraction_pct(value, 0),
        reference=1.0,
        label="Rolling NDR and GDR",
    )
    summary.charts["rolling"] = marks
    newest_first = list(reversed(months))
    rows = [
        (
            month_label(month),
            *(
                fraction_pct(cell[(month, lookback)][kind]) if (month, lookback) in cell else NONE
                for lookback in lookbacks
                for kind in ("ndr", "gdr")
            ),
        )
        for month in newest_first
    ]
    provisional = [any(cell[key]["is_provisional"] for key in cell if key[0] == month) for month in newest_first]
    headers = ["Month", *(f"{kind.upper()} {lookback} m" for lookback in lookbacks for kind in ("ndr", "gdr"))]
    lookback_words = ", ".join(str(lookback) for lookback in lookbacks)
    return section(
        "rolling",
        "Rolling net and gross dollar retention",
        f"For each month and a lookback of {lookback_words} months: the MRR now of the customers who had at least"
        " the threshold ARR back then, over their MRR then (NDR), and the same with each customer capped at its MRR"
        " then (GDR). Solid lines NDR, dashed GDR; the dotted line is 100 %.",
        chart,
        "rolling",
        marks,
        table(headers, rows, provisional=provisional),
    )


def cohort_section(cohorts: list[dict], summary: ReportSummary) -> str:
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


def movers_section(movers: list[dict], reporting_month, summary: ReportSummary) -> str:
    gainers = [row for row in movers if row["direction"] == "gainer"]
    losers = [row for row in movers if row["direction"] == "loser"]
    items = [(_customer(row), number(row["mrr_change_usd"]), GAIN) for row in gainers]
    items += [(_customer(row), number(row["mrr_change_usd"]), LOSS) for row in reversed(losers)]
    chart, marks = both_widths(bar_chart, items=items, value_format=compact_usd, label="Biggest gainers and losers")
    summary.charts["movers"] = marks
    headers = ["Customer", "Stage", "Previous MRR", "MRR", "Change", "Products"]

    def lines(rows):
        return [
            (
                (row["company_name"] or NONE, row["organization_id"]),
                row["stage"].capitalize(),
                usd(row["previous_mrr_usd"], cents=True),
                usd(row["mrr_usd"], cents=True),
                signed_usd(row["mrr_change_usd"]),
                row["products"] or "",
            )
            for row in rows
        ]

    numbers = table(headers, lines(gainers), numeric_from=2, text_from=5, caption="Gainers") + table(
        headers, lines(losers), numeric_from=2, text_from=5, caption="Losers"
    )
    month_text = month_label(reporting_month) if reporting_month else "the last month"
    if any(row["is_provisional"] for row in movers):
        month_text += " (provisional)"
    return section(
        "movers",
        f"Biggest gainers and losers, {month_text}",
        f"The {len(gainers)} customers whose adjusted MRR grew most and the {len(losers)} whose fell most from the"
        " previous month (new, reactivated and churned customers included), with the products they paid for.",
        chart,
        "movers",
        marks,
        numbers,
    )


def _customer(row: dict) -> str:
    """A customer's company name, or its id when the customers table has no name for it."""
    return row["company_name"] or row["organization_id"]


def quota_section(reps: list[dict], teams: list[dict], quarter, summary: ReportSummary) -> str:
    items = [
        (
            f"{row['owner_id']} ({row['team']})",
            number(row["attainment_pct"]),
            GAIN if (row["attainment_pct"] or 0) >= 100 else BLUE,
        )
        for row in reps
        if row["attainment_pct"] is not None
    ]
    items += [
        (f"Team {row['team']}", number(row["attainment_pct"]), "#0f766e")
        for row in teams
        if row["attainment_pct"] is not None
    ]
    chart, marks = both_widths(
        bar_chart,
        items=items,
        value_format=lambda value: pct(value, 0),
        reference=(100.0, "quota"),
        label="TAM and team quota attainment",
        label_width=170,
    )
    summary.charts["quota"] = marks
    rep_table = _rep_table(reps, quarter)
    team_table = _team_table(teams, quarter)
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
        wide=True,  # the TAM table's eleven columns need the section's whole width
    )


def _rep_table(rows: list[dict], quarter) -> str:
    return table(
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
            for row in rows
        ],
        numeric_from=3,
        caption=f"TAMs, {quarter}",
    )


def _team_table(rows: list[dict], quarter) -> str:
    return table(
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
            for row in rows
        ],
        caption=f"Teams, {quarter}",
    )
