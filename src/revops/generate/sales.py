"""The sales team: reps, books of business, quotas, usage optimizations and opportunities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from revops.generate.calendar import Calendar, quarter_start_of, quarters_of
from revops.generate.cohort import Candidates
from revops.generate.output import Output, to_decimal
from revops.generate.quota_scenarios import assign_quota_scenarios
from revops.generate.stories import Script, Story

AM_MANAGED = "AM Managed"


@dataclass(frozen=True)
class _Rep:
    owner_id: str
    role: str
    team: str
    is_team_lead: bool
    start: date
    end: date | None
    ote_usd: int
    region: str
    quota_usd: int = 0  # per quarter, TAMs only
    book: int = 0  # accounts to fill the AM Managed book up to
    lead_since: date | None = None  # team_lead_since; empty = since role start (when a lead)


def _reps(cal: Calendar, focus: dict[str, int]) -> list[_Rep]:
    last, q1, q2 = cal.last, focus["q1"], focus["q2"]
    departure = last - 12
    while cal.month_of_year(departure) % 3:
        departure += 1
    left = cal.day(departure + 1) - timedelta(days=1)
    return [
        _Rep("rep_01", "TAE", "New Business", False, cal.day(-26, 3), None, 260_000, "US"),
        _Rep("rep_02", "TAE", "New Business", False, cal.day(-8, 14), None, 250_000, "EU"),
        _Rep("rep_03", "CSM", "Customer Success", False, cal.day(-20, 2), None, 180_000, "US"),
        _Rep("rep_04", "CSM", "Customer Success", False, cal.day(-14, 6), None, 185_000, "EU"),
        _Rep("rep_05", "TAM", "AM Team 1", True, cal.day(-30, 1), None, 300_000, "US", 150_000, 11),
        _Rep("rep_06", "TAM", "AM Team 1", False, cal.day(-18, 7), None, 240_000, "US", 250_000, 13),
        _Rep("rep_07", "TAM", "AM Team 1", False, cal.day(-10, 3), None, 220_000, "EU", 230_000, 13),
        # ramping: starts on the 10th, so that month is its first ramp month
        _Rep("rep_08", "TAM", "AM Team 1", False, cal.day(q1 - 1, 9), None, 200_000, "US", 200_000, 10),
        # lead since the 12th of a month in the middle of the quarter before: the lead plan starts with q1
        _Rep(
            "rep_09", "TAM", "AM Team 2", True, cal.day(-24, 5), None, 290_000, "EU", 140_000, 10, cal.day(q1 - 2, 11)
        ),
        _Rep("rep_10", "TAM", "AM Team 2", False, cal.day(-16, 2), None, 250_000, "US", 260_000, 14),
        # joins mid-quarter on the 20th, so its ramp starts with the next month
        _Rep("rep_11", "TAM", "AM Team 2", False, cal.day(q2, 19), None, 210_000, "US", 220_000, 9),
        _Rep("rep_12", "TAM", "AM Team 2", False, cal.day(-22, 9), left, 230_000, "US", 240_000, 6),  # left
    ]


def first_month_of(story: Story, script: Script) -> int:
    if story.spans:
        return max(0, min(first for first, *_ in story.spans))
    children = [s for s in script.stories if s.credits_from == story.key]
    return first_month_of(children[0], script) if children else max(0, story.created)


def write_sales(cal: Calendar, rng: np.random.Generator, script: Script, candidates: Candidates, out: Output) -> None:
    """The sales team's tables: reps, quotas, books (the scripted accounts, then the largest paying
    population accounts), usage optimizations and opportunities."""
    reps = _reps(cal, script.focus)
    _write_reps_and_quotas(cal, reps, out)
    books = _Books(cal, script, reps)
    books.assign_scenarios()
    books.fill_from(candidates)
    out.write_rows("account_owners", books.sorted_rows())
    org = {story.key: f"org_{position + 1:06d}" for position, story in enumerate(script.stories)}
    _write_optimizations_and_opportunities(cal, rng, script.focus, org, out)


def _write_reps_and_quotas(cal: Calendar, reps: list[_Rep], out: Output) -> None:
    out.write_rows(
        "sales_reps",
        [
            {
                "owner_id": r.owner_id,
                "name": f"Rep {r.owner_id[-2:]}",
                "role": r.role,
                "team": r.team,
                "is_team_lead": r.is_team_lead,
                "role_start_date": r.start,
                "end_date": r.end,
                "ote_usd": to_decimal(r.ote_usd * 100),
                "region": r.region,
                "team_lead_since": r.lead_since,
            }
            for r in reps
        ],
    )
    quarters = quarters_of(cal)
    first_year = quarters[0][1].year
    out.write_rows(
        "quotas",
        [
            {
                "owner_id": r.owner_id,
                "quarter": name,
                "quota_usd": to_decimal(round(r.quota_usd * (1 + 0.1 * (begin.year - first_year)), -3) * 100),
            }
            for r in reps
            if r.role == "TAM"
            for name, begin, end in quarters
            if end >= r.start and (r.end is None or begin <= r.end)
        ],
    )


class _Books:
    """The account_owners rows as they are assigned, and how many current AM Managed accounts each rep holds."""

    def __init__(self, cal: Calendar, script: Script, reps: list[_Rep]) -> None:
        self.cal, self.focus = cal, script.focus
        self.reps = reps
        self.rep = {r.owner_id: r for r in reps}
        self.org = {story.key: f"org_{position + 1:06d}" for position, story in enumerate(script.stories)}
        self.first = {story.key: first_month_of(story, script) for story in script.stories}
        self.rows: list[dict[str, object]] = []
        self.held: dict[str, set[str]] = {r.owner_id: set() for r in reps}

    def book_start(self, owner: str, month: int) -> date:
        return max(self.rep[owner].start, quarter_start_of(self.cal, max(0, month)))

    def assign(self, org_id: str, owner: str, start: date, end: date | None = None, segment: str = AM_MANAGED) -> None:
        self.rows.append(
            {"organization_id": org_id, "owner_id": owner, "start_date": start, "segment": segment, "end_date": end}
        )
        if segment == AM_MANAGED and (end is None or self.rep[owner].end is not None):
            self.held[owner].add(org_id)  # capacity counts current accounts (all of a departed rep's)

    def scripted(
        self, key: str, owner: str, start: date | None = None, end: date | None = None, segment: str = AM_MANAGED
    ) -> None:
        self.assign(self.org[key], owner, start or self.book_start(owner, self.first[key]), end, segment)

    def assign_scenarios(self) -> None:
        """The scenario accounts' books: hand-overs, a departed rep, a ramping rep, other segments."""
        cal, scripted, rep, day = self.cal, self.scripted, self.rep, timedelta(days=1)
        q1, q3, move, last = self.focus["q1"], self.focus["q3"], self.focus["move"], cal.last
        for key, owner in SCRIPTED_BOOKS:
            scripted(key, owner)
        scripted("quota_new_last_month", "rep_06", cal.day(q1))
        scripted("quota_new_second_month", "rep_10", cal.day(q1))
        scripted("quota_churned", "rep_06", end=cal.day(q3 + 1) - day)
        scripted("quota_grace_churn", "rep_10", cal.day(q1), cal.day(q3 + 1) - day)
        scripted("quota_unpaid_first", "rep_09", cal.day(q1))
        scripted("eu_before_move", "rep_07", end=cal.day(move) - day)
        scripted("us_after_move", "rep_07", cal.day(move))
        scripted("spike_small_base", "rep_06", end=cal.day(q1) - day)
        scripted("spike_small_base", "rep_07", cal.day(q1))
        left = rep["rep_12"].end
        ramping_start = rep["rep_08"].start
        for key in ("startup_runs_out", "reactivated"):
            scripted(key, "rep_12", end=left)
            scripted(key, "rep_10", left + day, ramping_start - day if key == "startup_runs_out" else None)
        scripted("startup_runs_out", "rep_08", ramping_start)
        scripted("trial_ongoing", "rep_08", max(ramping_start, cal.day(last - 3)), segment="Leads")
        scripted("big_first_bill", "rep_06", cal.day(last - 6), segment="Leads")
        scripted("first_big_bill_credit", "rep_11", rep["rep_11"].start, segment="Leads")
        scripted("credit_below_half", "rep_03", segment="CSM Managed")
        assign_quota_scenarios(scripted, cal, self.focus)

    def fill_from(self, candidates: Candidates) -> None:
        """The largest paying population accounts, round robin over the TAMs up to each one's book size."""
        rep, day, q1 = self.rep, timedelta(days=1), self.focus["q1"]
        ramping_start = rep["rep_08"].start
        owners = [r.owner_id for r in self.reps if r.role == "TAM"]
        taken = {row["organization_id"] for row in self.rows}
        handed_to_ramping = 0
        turn = 0
        for number, month in zip(candidates.org_num.tolist(), candidates.first_month.tolist(), strict=True):
            org_id = f"org_{number:06d}"
            if org_id in taken:
                continue
            for _ in owners:
                owner = owners[turn % len(owners)]
                turn += 1
                departed = rep[owner].end is not None
                if len(self.held[owner]) >= rep[owner].book or (
                    departed and self.book_start(owner, month) > rep[owner].end
                ):
                    continue
                if departed:  # handed over to rep_10 when the rep left
                    self.assign(org_id, owner, self.book_start(owner, month), rep[owner].end)
                    self.assign(org_id, "rep_10", rep[owner].end + day)
                elif owner == "rep_08" and handed_to_ramping < 3 and month <= q1 - 2:
                    self.assign(org_id, "rep_10", self.book_start("rep_10", month), ramping_start - day)
                    self.assign(org_id, owner, ramping_start)
                    handed_to_ramping += 1
                elif owner in ("rep_08", "rep_11"):
                    self.assign(org_id, owner, max(rep[owner].start, quarter_start_of(self.cal, max(0, month))))
                else:
                    self.assign(org_id, owner, self.book_start(owner, month))
                taken.add(org_id)
                break

    def sorted_rows(self) -> list[dict[str, object]]:
        return sorted(self.rows, key=lambda row: (row["organization_id"], row["start_date"], row["owner_id"]))


# Scenario accounts in an AM Managed book from their first month.
SCRIPTED_BOOKS = (
    ("yearly_above", "rep_05"),
    ("amortized_same_org", "rep_05"),
    ("refund_qualifying", "rep_05"),
    ("spike", "rep_06"),
    ("chain_c", "rep_06"),
    ("quota_optimization", "rep_07"),
    ("rise_and_stay", "rep_07"),
    ("payg_taxed", "rep_09"),
    ("amortized_parent", "rep_09"),
    ("flat", "rep_09"),
    ("yearly_below", "rep_10"),
    ("credit_qualifying", "rep_10"),
    ("same_company_parent", "rep_10"),
)


def _write_optimizations_and_opportunities(
    cal: Calendar, rng: np.random.Generator, focus: dict[str, int], org: dict[str, str], out: Output
) -> None:
    last, q1, q3 = cal.last, focus["q1"], focus["q3"]
    out.write_rows(
        "usage_optimizations",
        [
            {
                "organization_id": org["quota_optimization"],
                "quarter": cal.quarter_name(q1),
                "approved": True,
                "note": "Replay sampling tuned with the customer; documented in the account plan",
            },
            {
                "organization_id": org["payg_taxed"],
                "quarter": cal.quarter_name(q1 - 3),
                "approved": False,
                "note": "Requested without documented evidence",
            },
        ],
    )

    opportunities = [
        ("yearly_below", "rep_10", "llm_analytics", "Cross-sell", "Discovery", 1500, q3, None, None),
        ("payg_taxed", "rep_09", "data_warehouse", "Cross-sell", "Closed Won", 800, last - 8, last - 6, None),
        ("spike", "rep_06", "error_tracking", "Cross-sell", "Closed Lost", 400, last - 10, last - 8, "Price"),
        ("rise_and_stay", "rep_07", None, "Annual plan", "Demo", 6000, last - 2, None, None),
        ("quota_new_last_month", "rep_01", "session_replay", "New business", "Closed Won", 3000, q3 - 2, q3, None),
        ("trial_ongoing", "rep_02", None, "New business", "Trial", 3000, last - 4, None, None),
        (
            "amortized_same_org",
            "rep_05",
            "llm_analytics",
            "Cross-sell",
            "Closed Lost",
            2000,
            last - 7,
            last - 5,
            "Went with a competitor",
        ),
        ("chain_c", "rep_06", "surveys", "Cross-sell", "Demo", 300, last - 1, None, None),
        ("flat", "rep_09", "feature_flags", "Cross-sell", "Discovery", 500, last, None, None),
        ("us_after_move", "rep_07", None, "Annual plan", "Closed Won", 3500, last - 5, last - 3, None),
        ("free_no_billing", None, None, "New business", "Closed Lost", None, last - 9, last - 8, "No budget"),
    ]
    out.write_rows(
        "opportunities",
        [
            {
                "opportunity_id": f"opp_{position + 1:04d}",
                "organization_id": org[key],
                "owner_id": owner,
                "product_key": product,
                "record_type": record_type,
                "stage": stage,
                "expected_mrr_usd": to_decimal(None if mrr is None else mrr * 100),
                "created_on": cal.day(created, int(rng.integers(0, 20))),
                "closed_on": None if closed is None else cal.day(closed, int(rng.integers(0, 20))),
                "lost_reason": lost,
            }
            for position, (key, owner, product, record_type, stage, mrr, created, closed, lost) in enumerate(
                opportunities
            )
        ],
    )
