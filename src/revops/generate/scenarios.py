"""The scenario organizations (hand-written storylines, present at every size) as a cohort for the billing engine."""

from __future__ import annotations

import numpy as np

from revops.generate.calendar import Calendar, timestamp_at
from revops.generate.cohort import CREDIT_NOTES, FREE, HOLDER, INDUSTRIES, Cohort, Contract, catalogue, empty_cohort
from revops.generate.output import to_cents
from revops.generate.quota_scenarios import add_quota_contracts_and_payment_delays
from revops.generate.stories import Script, Story


def _story_path(story: Story, cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    path = np.zeros(cal.months)
    for first, last, dollars, growth in story.spans:
        months = np.arange(max(first, 0), min(last, cal.last) + 1)
        path[months] = dollars * (1 + growth) ** (months - first)
    if story.noise:
        path *= rng.uniform(1 - story.noise, 1 + story.noise, cal.months)
    for month, dollars in story.points.items():
        path[month] = dollars
    return np.round(path, 2)


def scenario_cohort(script: Script, cal: Calendar, rng: np.random.Generator, first_org: int) -> Cohort:
    cat = catalogue()
    stories = script.stories
    c = empty_cohort(len(stories), cal, first_org)
    hist = cal.history
    index = {story.key: position for position, story in enumerate(stories)}
    for o, story in enumerate(stories):
        path = _story_path(story, cal, rng)
        share = np.zeros(len(cat.keys))
        for key, value in story.shares.items():
            share[cat.index(key)] = value
        share /= share.sum()
        lead = cat.index(next(iter(story.shares)))
        c.region[o] = story.region
        c.industry[o] = o % len(INDUSTRIES)
        c.employees[o] = story.employees
        c.tax_bp[o] = story.tax_bp
        c.created_at[o] = timestamp_at(cal.start(story.created), 86_400 + int(rng.integers(0, 20 * 3600)))
        active_months = np.nonzero(path > 0)[0]
        if story.kind == HOLDER:
            continue
        first = int(active_months[0])
        if story.kind == FREE:
            c.active[o, active_months + hist] = True
            c.used[o, active_months + hist] = share > 0
            c.zero_invoices[o] = story.zero_invoices
            c.has_bc[o] = story.zero_invoices
        else:
            c.billed[o, active_months + hist] = True
            c.active[o, active_months + hist] = True
            c.target[o, active_months + hist] = np.outer(path[active_months] * 100, share)
            c.used[o, active_months + hist] = share > 0
            c.has_bc[o] = True
            signup = max(story.created, 0)
            c.active[o, hist + signup : hist + first] = True  # free-tier usage before the first bill
            c.used[o, hist + signup : hist + first, lead] = True
        c.bc_created_at[o] = timestamp_at(cal.start(first), 4 * 86_400 + int(rng.integers(0, 20 * 3600)))
        for month, bp in story.coupons.items():
            c.coupon_bp[o, month + hist] = bp
        for month, code in story.statuses.items():
            c.status[o, month + hist] = code
        for month in story.voids:
            c.void[o, month + hist] = True
        for month, dollars, reason in story.credits:
            c.credits.append((o, month + hist, to_cents(dollars), reason, CREDIT_NOTES[reason]))
        for month, product, dollars, reason in story.refunds:
            c.refunds.append((o, month + hist, cat.index(product), to_cents(dollars), 0.0, reason))
        if story.startup:
            credit, start = story.startup
            c.startup_credit[o] = to_cents(credit)
            c.startup_expires[o] = cal.start(start + 12)
            c.pool_grant[o, start + hist] = to_cents(credit)
            if start + 12 + hist < cal.span and not story.startup_credits_outlive_expiry:
                c.pool_reset[o, start + 12 + hist] = True
        buyer = index[story.credits_from] if story.credits_from else o
        for start, credit, discount_bp, cadence in story.contracts:
            c.contracts.append(Contract(o, buyer, start, to_cents(credit), discount_bp, cadence))
        add_quota_contracts_and_payment_delays(c, o, buyer, story, hist)
    c.consolidations = [
        (index[child], index[parent], month, reason) for child, parent, month, reason in script.consolidations
    ]
    c.trials = [(index[key], start, end, note) for key, start, end, note in script.trials]
    return c
