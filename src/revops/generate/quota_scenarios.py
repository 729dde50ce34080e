"""Scenario organizations for the TAM quota rules: contract changes on flat usage, late and missed payments,
and the books they are assigned to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from revops.generate.calendar import Calendar
from revops.generate.cohort import OPEN, PAID, UNCOLLECTIBLE, Cohort, Contract
from revops.generate.output import to_cents
from revops.generate.stories import MULTI, PA_SR, PA_SR_FF, Months, ScriptedContract, Story


def quota_contract_and_payment_stories(cal: Calendar, q1: int, q2: int, q3: int) -> list[Story]:
    """Accounts whose quota attainment must come out like for like, around the newest complete
    quarter q1 .. q3: contract changes on flat usage (attainment 0), a quarter paid late (held back,
    then paid in the quarter of the payment), a first invoice never paid (commission once two others
    are paid), and a mid-quarter hand-over."""
    last = cal.last
    flat = [(0, last, 20_000, 0.0)]  # $20k a month, exactly: only contracts change
    return [
        Story(  # a monthly customer signs a $120k credit (run rate $10k) in the quarter's second month
            "quota_conversion",
            created=-14,
            spans=flat,
            shares=PA_SR,
            scripted_contracts=[ScriptedContract(q2, 120_000, 2000)],
            employees=350,
        ),
        Story(  # the contract ends with the previous quarter and is not renewed
            "quota_non_renewal",
            created=-14,
            spans=flat,
            shares=PA_SR,
            scripted_contracts=[ScriptedContract(q1 - 12, 120_000, 2000)],
            employees=320,
        ),
        Story(  # renewed at the quarter's start for more credits ($10k -> $15k a month)
            "quota_upsized_renewal",
            created=-14,
            spans=flat,
            shares=PA_SR,
            scripted_contracts=[ScriptedContract(q1 - 12, 120_000, 2000), ScriptedContract(q1, 180_000, 2500)],
            employees=380,
        ),
        Story(  # a co-terminus expansion order form adds $5k a month for the original's last six months
            "quota_coterminus_expansion",
            created=-14,
            spans=flat,
            shares=PA_SR,
            scripted_contracts=[
                ScriptedContract(q2 - 6, 120_000, 2000),
                ScriptedContract(q2, 30_000, 2000, cadence=6, term=6),
            ],
            employees=410,
        ),
        Story(  # renewed three months early: the renewal replaces the running contract
            "quota_early_renewal",
            created=-14,
            spans=flat,
            shares=PA_SR,
            scripted_contracts=[
                ScriptedContract(q1 - 9, 120_000, 2000),
                ScriptedContract(q2, 144_000, 2000, replaces=0),
            ],
            employees=450,
        ),
        Story(  # handed from one TAM to another in the middle of the quarter
            "quota_handover", created=-14, spans=[(0, last, 3500, 0.01)], shares=PA_SR, employees=90
        ),
        Story(  # growing; the previous quarter's last invoice is paid on the 26th of the next month
            "quota_late_payment",
            created=-14,
            spans=[(0, last, 2500, 0.03)],
            shares=PA_SR,
            pay_delays={q1 - 1: 25},
            employees=75,
        ),
        Story(  # the first invoice is never paid, the later ones are
            "quota_unpaid_first_then_paid",
            created=q1 - 4,
            spans=[(q1 - 3, last, 1500, 0.04)],
            shares=PA_SR,
            statuses={q1 - 3: UNCOLLECTIBLE, q1: PAID, q2: PAID, q3: PAID},
            employees=25,
        ),
    ]


def add_quota_contracts_and_payment_delays(c: Cohort, o: int, buyer: int, story: Story, hist: int) -> None:
    made: list[Contract] = []
    for scripted in story.scripted_contracts:
        replaces = made[scripted.replaces] if scripted.replaces is not None else None
        made.append(
            Contract(
                o,
                buyer,
                scripted.start,
                to_cents(scripted.credit),
                scripted.discount_bp,
                scripted.cadence,
                scripted.term,
                replaces,
            )
        )
    c.contracts.extend(made)
    for month, days in story.pay_delays.items():
        c.pay_delay_days[o, month + hist] = days


def assign_quota_scenarios(scripted: Callable[..., None], cal: Calendar, focus: dict[str, int]) -> None:
    """Books for the quota scenario accounts; the hand-over happens on the 10th of the quarter's second month."""
    day = timedelta(days=1)
    for key, owner in (
        ("quota_conversion", "rep_06"),
        ("quota_non_renewal", "rep_07"),
        ("quota_upsized_renewal", "rep_10"),
        ("quota_coterminus_expansion", "rep_05"),
        ("quota_early_renewal", "rep_09"),
        ("quota_late_payment", "rep_07"),
        ("quota_unpaid_first_then_paid", "rep_10"),
    ):
        scripted(key, owner)
    handover = cal.day(focus["q2"], 9)
    scripted("quota_handover", "rep_06", end=handover - day)
    scripted("quota_handover", "rep_07", handover)


def quota_case_stories(m: Months) -> list[Story]:
    """Quota cases in the newest complete quarter (q1 .. q3): new customers, churn, grace, optimization,
    an unpaid first invoice."""
    last, q1, q2, q3, at = m.last, m.q1, m.q2, m.q3, m.at
    return [
        Story("quota_new_last_month", created=q3 - 1, spans=[(q3, last, 3000, 0.03)], shares=PA_SR, employees=60),
        Story("quota_new_second_month", created=q1 - 1, spans=[(q2, last, 2000, 0.03)], shares=PA_SR_FF, employees=45),
        Story("quota_churned", created=-12, spans=[(0, q2, 2500, 0.005)], shares=PA_SR, noise=0.02, employees=70),
        Story(
            "quota_grace_churn",
            created=at(last - 13),
            spans=[(at(last - 12), q2, 1800, 0.0)],
            shares=PA_SR,
            noise=0.02,
            employees=40,
        ),
        Story(
            "quota_optimization",
            created=-12,
            spans=[(0, q1 - 1, 8000, 0.005), (q1, last, 4500, 0.0)],
            shares=MULTI,
            noise=0.02,
            employees=700,
        ),
        Story(
            "quota_unpaid_first",
            created=q1 - 1,
            spans=[(q1, last, 2200, 0.0)],
            shares=PA_SR,
            statuses={q1: UNCOLLECTIBLE, q2: PAID, q3: OPEN, last: OPEN},
            employees=30,
        ),
    ]
