"""The shape of a scenario organization's storyline: what it is billed month by month and what happens
to it (contracts, credits, refunds, statuses, consolidations, trials), and the product mixes the
storylines use."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from revops.generate.calendar import MIN_MONTHS, Calendar
from revops.generate.cohort import FREE, HOLDER, PAYG, STARTUP

PA = {"product_analytics": 1.0}


PA_SR = {"product_analytics": 0.6, "session_replay": 0.4}


PA_SR_FF = {"product_analytics": 0.5, "session_replay": 0.3, "feature_flags": 0.2}


MULTI = {
    "product_analytics": 0.45,
    "session_replay": 0.25,
    "feature_flags": 0.15,
    "error_tracking": 0.1,
    "group_analytics": 0.05,
}


ENTERPRISE = {
    "product_analytics": 0.4,
    "session_replay": 0.2,
    "feature_flags": 0.1,
    "error_tracking": 0.1,
    "data_warehouse": 0.08,
    "surveys": 0.04,
    "llm_analytics": 0.04,
    "platform": 0.04,
}


@dataclass(frozen=True)
class ScriptedContract:
    """A story's credit contract with its own term and, for an early renewal, the contract it replaces."""

    start: int  # window month
    credit: float  # credit value, $
    discount_bp: int
    cadence: int = 12
    term: int = 12
    replaces: int | None = None  # index in the story's scripted_contracts


@dataclass
class Story:
    key: str
    kind: int = PAYG
    region: int = 0
    created: int = -12  # signup month (window index; negative = before the window)
    spans: list[tuple[int, int, float, float]] = field(default_factory=list)  # first, last, $, growth
    points: dict[int, float] = field(default_factory=dict)  # month -> $ (overrides the spans)
    shares: dict[str, float] = field(default_factory=lambda: dict(PA))
    noise: float = 0.0
    tax_bp: int = 0
    coupons: dict[int, int] = field(default_factory=dict)
    credits: list[tuple[int, float, str]] = field(default_factory=list)
    refunds: list[tuple[int, str, float, str]] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    voids: tuple[int, ...] = ()
    startup: tuple[float, int] | None = None  # credit $, first month (expires 12 months later)
    contracts: list[tuple[int, float, int, int]] = field(default_factory=list)  # start, credit $, bp, cadence
    credits_from: str | None = None  # the organization that buys the credits, when not this one
    zero_invoices: bool = False
    employees: int = 40
    startup_credits_outlive_expiry: bool = False  # the billing system keeps applying them after expiry
    scripted_contracts: list[ScriptedContract] = field(default_factory=list)  # quota: terms and replacements
    pay_delays: dict[int, int] = field(default_factory=dict)  # quota: month -> days from invoice to payment


@dataclass
class Script:
    stories: list[Story]
    consolidations: list[tuple[str, str, int, int]]  # child, parent, month, reason
    trials: list[tuple[str, int, int | None, str]]
    focus: dict[str, int]  # named months the sales tables use


def renewals(last_start: int, amounts: list[tuple[float, int]], cadence: int) -> list[tuple[int, float, int, int]]:
    """Contracts every 12 months back from `last_start`: amounts[0] is the newest (credit $, discount bp)."""
    deals = []
    for back, (credit, discount_bp) in enumerate(amounts):
        start = last_start - 12 * back
        if start + 11 >= 0:
            deals.append((start, credit, discount_bp, cadence))
    return sorted(deals)


@dataclass(frozen=True)
class Months:
    """The window months the storylines are written against: the last, the newest complete quarter
    q1 .. q3, the EU -> US move and the chain's first move."""

    last: int
    q1: int
    q2: int
    q3: int
    move: int
    chain_move: int

    @staticmethod
    def of(cal: Calendar) -> Months:
        q3 = cal.focus_quarter_end
        return Months(cal.last, q3 - 2, q3 - 1, q3, move=max(1, cal.last - 10), chain_move=max(1, cal.last - 12))

    @staticmethod
    def at(month: int) -> int:
        """A month of the window: a month before it is the window's first."""
        return max(0, month)


# Storylines that bill from the window's first month arrive over its first year instead, one every
# few months in a fixed order, so the demo company does not gain them all in one month.
ARRIVAL_MONTHS = 12
ARRIVAL_STEP = 5  # coprime with ARRIVAL_MONTHS: consecutive storylines arrive months apart


def arriving_month_by_month(stories: list[Story], cal: Calendar) -> list[Story]:
    """The storylines with their first billed month spread over the first months of the window.

    A storyline works from any start up to the window's last MIN_MONTHS months (the shortest window the
    generator takes, where every storyline starts in month 0); a year more is kept free for what happens
    before its events, so short windows keep every start at 0. A storyline never starts after its first
    contract, and startup credits stay granted in the month they were scripted for.
    """
    latest = min(ARRIVAL_MONTHS - 1, cal.months - MIN_MONTHS - 12)
    arranged, arriving = [], 0
    for story in stories:
        starts_at_zero = bool(story.spans) and min(first for first, *_ in story.spans) == 0
        if story.kind in (FREE, HOLDER, STARTUP) or not starts_at_zero or latest <= 0:
            arranged.append(story)
            continue
        starts = [start for start, *_ in story.contracts] + [deal.start for deal in story.scripted_contracts]
        month = min([(arriving * ARRIVAL_STEP) % ARRIVAL_MONTHS, latest, *(start for start in starts if start >= 0)])
        arriving += 1
        spans = [(month if first == 0 else first, *rest) for first, *rest in story.spans]
        arranged.append(replace(story, spans=spans))
    return arranged
