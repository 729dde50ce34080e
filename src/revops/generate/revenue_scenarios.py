"""Scenario organizations for the revenue rules: every billing configuration, every revenue adjustment
case and its near misses, consolidations, churn, reactivation and trials."""

from __future__ import annotations

from revops.generate.calendar import Calendar
from revops.generate.cohort import (
    AMORTIZED,
    AMORTIZED_CONTRACT,
    DRAFT,
    EU_TO_US,
    FREE,
    HOLDER,
    SAME_COMPANY,
    STARTUP,
    UNCOLLECTIBLE,
    YEARLY,
)
from revops.generate.quota_scenarios import quota_case_stories, quota_contract_and_payment_stories
from revops.generate.stories import (
    ENTERPRISE,
    MULTI,
    PA_SR,
    PA_SR_FF,
    Months,
    Script,
    Story,
    arriving_month_by_month,
    renewals,
)


def scenario_script(cal: Calendar) -> Script:
    """Every scenario organization in a fixed order (their ids follow it), with the consolidations and
    trials between them and the named months the sales tables use."""
    m = Months.of(cal)
    last, move, chain_move, at = m.last, m.move, m.chain_move, m.at
    stories = [
        *_free_payg_and_startup_stories(m),
        *_enterprise_stories(m),
        *_consolidation_stories(m),
        *_spike_stories(m),
        *_credit_and_refund_stories(m),
        *_churn_reactivation_and_trial_stories(m),
        *quota_case_stories(m),
        *quota_contract_and_payment_stories(cal, m.q1, m.q2, m.q3),
    ]
    consolidations = [
        ("eu_before_move", "us_after_move", move, EU_TO_US),
        ("same_company_child", "same_company_parent", at(last - 12), SAME_COMPANY),
        ("chain_a", "chain_b", chain_move, EU_TO_US),
        ("chain_b", "chain_c", last - 6, SAME_COMPANY),
        ("amortized_child", "amortized_parent", at(last - 9), AMORTIZED_CONTRACT),
    ]
    trials = [
        ("trial_ended", last - 8, last - 4, "Evaluating a self-hosted deployment"),
        ("trial_ongoing", last - 3, None, "Proof of concept before a possible move"),
    ]
    revenue_stories, revenue_consolidations, revenue_trials = revenue_rule_scenarios(cal)
    stories += revenue_stories
    consolidations += revenue_consolidations
    trials += revenue_trials
    stories = arriving_month_by_month(stories, cal)
    return Script(stories, consolidations, trials, {"q1": m.q1, "q2": m.q2, "q3": m.q3, "move": move})


def revenue_rule_scenarios(
    cal: Calendar,
) -> tuple[list[Story], list[tuple[str, str, int, int]], list[tuple[str, int, int | None, str]]]:
    """Storylines (appended after the others, so earlier organization ids stay put) for a trial on
    one team of a customer, a qualifying credit that causes no dip, a spike in a customer's second
    month and startup credits still applied after they expired. Credit purchases issued as one-off
    invoices, some dated before their contract starts, come from the billing engine (`_bill`)."""
    last = cal.last

    def at(month: int) -> int:
        return max(0, month)

    stories = [
        # A parent paying $10k a month whose new child team trials for $3k: only the team's revenue goes.
        Story("trial_parent", created=-20, spans=[(0, last, 10_000, 0.0)], shares=MULTI, employees=1200),
        Story(
            "trial_child_team",
            created=at(last - 9) - 1,
            spans=[(at(last - 9), last, 3000, 0.0)],
            shares=PA_SR,
            employees=1200,
        ),
        # A qualifying credit (600 >= half of 1,000) on a 3,000 bill: 2,400 is no dip, nothing to repair.
        Story(
            "credit_dipless",
            created=-12,
            spans=[(0, last - 7, 1000, 0.0), (last - 5, last, 2500, 0.0)],
            points={last - 6: 3000},
            credits=[(last - 6, 600, "Promo Credit")],
            employees=30,
        ),
        # A new customer's second month spikes: 1,000 -> 3,100 -> 1,000 (judged against its first month).
        Story("spike_second_month", created=last - 9, spans=[(last - 8, last, 1000, 0.0)], points={last - 7: 3100}),
        # $30k of startup credits at $1.5k a month: $12k are left when they expire and still get applied.
        Story(
            "startup_credits_after_expiry",
            STARTUP,
            created=at(last - 17) - 1,
            spans=[(at(last - 17), last, 1500, 0.0)],
            shares=PA_SR,
            startup=(30_000, at(last - 17)),
            startup_credits_outlive_expiry=True,
            employees=10,
        ),
    ]
    consolidations = [("trial_child_team", "trial_parent", at(last - 9), SAME_COMPANY)]
    trials = [("trial_child_team", last - 7, last - 5, "New team evaluating a self-hosted deployment")]
    return stories, consolidations, trials


def _free_payg_and_startup_stories(m: Months) -> list[Story]:
    """(1) free, (2) pay as you go, (3) startup plan."""
    last, at = m.last, m.at
    return [
        # (1) free: usage inside the free tier, no billing customer; and one with $0 invoices.
        Story("free_no_billing", FREE, created=-6, spans=[(0, last, 1, 0)], shares=PA_SR),
        Story(
            "free_zero_invoices",
            FREE,
            region=1,
            created=at(last - 10),
            spans=[(at(last - 10), last, 1, 0)],
            zero_invoices=True,
        ),
        # (2) pay as you go, taxed.
        Story(
            "payg_taxed",
            created=-14,
            spans=[(0, last, 2000, 0.02)],
            shares=MULTI,
            tax_bp=800,
            noise=0.03,
            employees=120,
        ),
        # (3) startup plan: credits run out; credits expire; still on credits.
        Story(
            "startup_runs_out",
            STARTUP,
            created=at(last - 14),
            spans=[(at(last - 14), last, 2500, 0.12)],
            shares=PA_SR_FF,
            tax_bp=1000,
            startup=(50_000, at(last - 14)),
            employees=15,
        ),
        Story(
            "startup_expires",
            STARTUP,
            region=1,
            created=at(last - 15) - 1,
            spans=[(at(last - 15), last, 1000, 0.01)],
            shares=PA_SR,
            tax_bp=2000,
            startup=(25_000, at(last - 15)),
            employees=8,
        ),
        Story(
            "startup_current",
            STARTUP,
            created=last - 5,
            spans=[(last - 4, last, 3000, 0.05)],
            startup=(40_000, last - 4),
            employees=12,
        ),
    ]


def _enterprise_stories(m: Months) -> list[Story]:
    """(4) enterprise, yearly credit purchase, and (5) amortized."""
    last, at = m.last, m.at
    return [
        # (4) enterprise, yearly credit purchase: usage above its run rate (credits run out) and below.
        Story(
            "yearly_above",
            YEARLY,
            created=-30,
            spans=[(0, last, 20_000, 0.005)],
            shares=ENTERPRISE,
            noise=0.03,
            contracts=renewals(last - 2, [(240_000, 2500), (180_000, 2000), (180_000, 2000)], 12),
            employees=2400,
        ),
        Story(
            "yearly_below",
            YEARLY,
            region=1,
            created=-20,
            spans=[(0, last, 6000, 0.005)],
            shares=ENTERPRISE,
            noise=0.03,
            contracts=renewals(last - 10, [(120_000, 1000), (120_000, 1000)], 12),
            employees=600,
        ),
        # (5) enterprise, amortized: same organization (quarterly, semi-annual) and across organizations.
        Story(
            "amortized_same_org",
            AMORTIZED,
            created=-28,
            spans=[(0, last, 7500, 0.01)],
            shares=ENTERPRISE,
            noise=0.03,
            contracts=renewals(last - 1, [(108_000, 1500), (96_000, 1500), (96_000, 1500)], 3),
            employees=900,
        ),
        Story("amortized_parent", HOLDER, created=at(last - 9) - 1, employees=1500),
        Story(
            "amortized_child",
            AMORTIZED,
            created=at(last - 9) - 1,
            spans=[(at(last - 9), last, 5000, 0.01)],
            shares=ENTERPRISE,
            noise=0.02,
            contracts=[(at(last - 9), 60_000, 1000, 1)],
            credits_from="amortized_parent",
            employees=1500,
        ),
        Story(
            "amortized_semiannual",
            AMORTIZED,
            created=-26,
            spans=[(0, last, 13_000, 0.0)],
            shares=ENTERPRISE,
            noise=0.02,
            contracts=renewals(last - 11, [(144_000, 3000), (144_000, 3000)], 6),
            employees=1800,
        ),
    ]


def _consolidation_stories(m: Months) -> list[Story]:
    """Consolidations: EU -> US move, same company, and a chain A -> B -> C."""
    last, move, chain_move, at = m.last, m.move, m.chain_move, m.at
    return [
        # Consolidations: EU -> US move, same company, and a chain A -> B -> C.
        Story(
            "eu_before_move",
            region=1,
            created=-18,
            spans=[(0, move - 1, 3000, 0.015)],
            shares=PA_SR,
            tax_bp=2000,
            employees=70,
        ),
        Story(
            "us_after_move", created=move, spans=[(move, last, 3000 * 1.015**move, 0.015)], shares=PA_SR, employees=70
        ),
        Story(
            "same_company_parent",
            created=-16,
            spans=[(0, last, 1800, 0.01)],
            shares=PA_SR_FF,
            noise=0.03,
            coupons={m: 2000 for m in range(at(last - 12), at(last - 9))},
            employees=300,
        ),
        Story(
            "same_company_child",
            created=at(last - 12) - 1,
            spans=[(at(last - 12), last, 700, 0.02)],
            shares=PA_SR,
            noise=0.03,
            employees=300,
        ),
        Story("chain_a", region=1, created=-8, spans=[(0, chain_move - 1, 900, 0.0)], noise=0.03, employees=50),
        Story("chain_b", created=chain_move, spans=[(chain_move, last, 950, 0.01)], noise=0.03, employees=50),
        Story("chain_c", created=-10, spans=[(0, last, 2500, 0.01)], shares=MULTI, noise=0.03, employees=50),
    ]


def _spike_stories(m: Months) -> list[Story]:
    """Spikes and their near misses."""
    last = m.last
    return [
        # Spikes: a spike, a spike on a small base, an increase below $1,000, a rise that stays, a big first bill.
        Story(
            "spike",
            created=-12,
            spans=[(0, last, 2500, 0.0)],
            points={last - 5: 12_000, last - 4: 2400},
            shares=PA_SR,
            noise=0.02,
            voids=(last - 8,),
            employees=200,
        ),
        Story(
            "spike_small_base",
            created=-12,
            spans=[(0, last, 800, 0.0)],
            points={last - 9: 3600, last - 8: 850},
            shares=PA_SR,
            noise=0.02,
            employees=25,
        ),
        Story(
            "spike_below_threshold",
            created=-12,
            spans=[(0, last, 200, 0.0)],
            points={last - 7: 900, last - 6: 210},
            employees=5,
        ),
        Story(
            "rise_and_stay",
            created=-12,
            spans=[(0, last - 8, 1500, 0.0), (last - 7, last, 6000, 0.005)],
            shares=MULTI,
            noise=0.02,
            employees=150,
        ),
        Story(
            "big_first_bill",
            created=last - 7,
            spans=[(last - 6, last, 14_000, 0.01)],
            points={last - 6: 15_000},
            shares=MULTI,
            noise=0.02,
            employees=400,
        ),
    ]


def _credit_and_refund_stories(m: Months) -> list[Story]:
    """One-time credits and refunds, qualifying or not."""
    last = m.last
    return [
        # One-time credits: qualifying (>= half of the prior month, next month recovers), qualifying below
        # half, qualifying without recovery, non-qualifying reasons (large), a first big bill.
        Story(
            "credit_qualifying",
            created=-12,
            spans=[(0, last, 4000, 0.0)],
            points={last - 5: 4100},
            credits=[(last - 6, 3000, "Incident Credit")],
            employees=90,
        ),
        Story(
            "credit_below_half",
            created=-12,
            spans=[(0, last, 4000, 0.0)],
            credits=[(last - 6, 1200, "Promo Credit")],
            employees=90,
        ),
        Story(
            "credit_no_recovery",
            created=-12,
            spans=[(0, last - 6, 4000, 0.0), (last - 5, last, 2800, 0.0)],
            credits=[(last - 6, 2500, "Bug Credit")],
            employees=60,
        ),
        Story(
            "credit_non_qualifying",
            created=-12,
            spans=[(0, last, 3000, 0.0)],
            points={last - 8: 9000},
            credits=[
                (last - 8, 6000, "Unwanted Spike"),
                (last - 5, 2500, "Trial Accommodation"),
                (last - 3, 2000, "Other"),
            ],
            shares=PA_SR,
            employees=80,
        ),
        Story(
            "first_big_bill_credit",
            created=last - 10,
            spans=[(last - 9, last, 2000, 0.0)],
            points={last - 9: 8000},
            credits=[(last - 9, 6000, "First Big Bill")],
            shares=PA_SR,
            employees=30,
        ),
        # Refunds: a qualifying large one and a small one.
        Story(
            "refund_qualifying",
            created=-12,
            spans=[(0, last, 5000, 0.0)],
            shares={"product_analytics": 0.7, "session_replay": 0.3},
            refunds=[
                (last - 12, "product_analytics", 2800, "Incident Credit"),
                (last - 6, "product_analytics", 3000, "Bug Credit"),
            ],
            employees=110,
        ),
        Story(
            "refund_small",
            created=-12,
            spans=[(0, last, 2000, 0.0)],
            shares=PA_SR,
            noise=0.02,
            refunds=[(last - 4, "session_replay", 150, "Other")],
            employees=45,
        ),
    ]


def _churn_reactivation_and_trial_stories(m: Months) -> list[Story]:
    """Churn, reactivation, flat, and trials flagged while paying."""
    last = m.last
    return [
        # Churn, reactivation, flat.
        Story("churn_forever", created=-12, spans=[(0, last - 7, 600, 0.0)], tax_bp=1000, noise=0.03, employees=10),
        Story(
            "reactivated",
            created=-12,
            spans=[(0, last - 10, 1200, 0.0), (last - 7, last, 1300, 0.0)],
            noise=0.03,
            statuses={last: DRAFT},
            employees=20,
        ),
        Story(
            "flat",
            created=last - 13,
            spans=[(last - 12, last, 1500, 0.0)],
            shares={"product_analytics": 0.7, "platform": 0.3},
            employees=35,
        ),
        # Trials (flagged while paying).
        Story("trial_ended", created=-12, spans=[(0, last, 2200, 0.0)], shares=PA_SR, noise=0.03, employees=500),
        Story(
            "trial_ongoing",
            region=1,
            created=last - 4,
            spans=[(last - 3, last, 3000, 0.0)],
            shares=PA_SR,
            noise=0.03,
            employees=800,
        ),
        Story(
            "uncollectible_churn",
            created=-12,
            spans=[(0, last - 4, 400, 0.0)],
            noise=0.03,
            statuses={last - 5: UNCOLLECTIBLE, last - 4: UNCOLLECTIBLE},
            employees=4,
        ),
    ]
