"""The randomized population, one chunk of organizations at a time: growing signups, heavy-tailed sizes,
seasonality, churn and reactivation, cross-sell, a few consolidations, credits and refunds."""

from __future__ import annotations

import math

import numpy as np

from revops import contract
from revops.generate.calendar import Calendar, timestamp_at
from revops.generate.cohort import (
    AMORTIZED,
    CREDIT_NOTES,
    EU_TO_US,
    FREE,
    FREE_PRODUCTS,
    INDUSTRIES,
    PAYG,
    SAME_COMPANY,
    STARTUP,
    YEARLY,
    Cohort,
    Contract,
    catalogue,
    empty_cohort,
)

_SIGNUP_HISTORY = 72  # signups start this many months before the window


_SIGNUP_GROWTH = 0.015  # monthly growth of signups


_KIND_SHARES = (0.17, 0.757, 0.05, 0.015, 0.008)  # free, payg, startup, yearly, amortized


_CREDIT_REASONS_BY_WEIGHT = (
    ("First Big Bill", 0.2),
    ("Unwanted Spike", 0.2),
    ("Trial Accommodation", 0.1),
    ("Promo Credit", 0.15),
    ("Incident Credit", 0.15),
    ("Bug Credit", 0.1),
    ("Other", 0.1),
)


def _credit_reasons() -> tuple[tuple[str, ...], np.ndarray]:
    known = set(contract.credit_reasons())
    pairs = [(reason, weight) for reason, weight in _CREDIT_REASONS_BY_WEIGHT if reason in known]
    weights = np.array([weight for _, weight in pairs])
    return tuple(reason for reason, _ in pairs), weights / weights.sum()


def population_cohort(cal: Calendar, rng: np.random.Generator, n: int, first_org: int) -> Cohort:
    cat = catalogue()
    c = empty_cohort(n, cal, first_org)
    span, hist, last = cal.span, cal.history, cal.last
    month = np.arange(span) - hist  # window month of each column
    products = len(cat.keys)

    kind = rng.choice(len(_KIND_SHARES), size=n, p=np.array(_KIND_SHARES) / sum(_KIND_SHARES))
    support = np.arange(-_SIGNUP_HISTORY, last + 1)
    weights = np.exp(_SIGNUP_GROWTH * support)
    signup = rng.choice(support, size=n, p=weights / weights.sum())
    eu = rng.random(n) < 0.27
    enterprise = (kind == YEARLY) | (kind == AMORTIZED)
    delay = np.where(kind == PAYG, rng.geometric(0.5, n) - 1, rng.integers(0, 2, n))
    first = np.where(kind == FREE, 10**6, signup + delay)
    size = np.select(
        [kind == PAYG, kind == STARTUP, enterprise],
        [
            rng.lognormal(math.log(150), 1.35, n),
            rng.lognormal(math.log(2500), 0.6, n),
            rng.lognormal(math.log(11_000), 0.45, n),
        ],
        rng.lognormal(math.log(50), 0.5, n),
    )
    size = np.clip(size, 15, 250_000)

    # Monthly list amounts in dollars: ramp-up, a trend, lasting steps, noise, a December dip, spikes.
    age = month[None, :] - first[:, None]
    grown = np.clip(age, 0, None)
    growth = np.clip(rng.normal(0.01, 0.02, n), -0.04, 0.05)
    steps = np.where(rng.random((n, span)) < 0.02, rng.lognormal(0, 0.5, (n, span)), 1.0)
    steps[age <= 0] = 1.0
    spikes = (rng.random((n, span)) < 0.006) & (age >= 2) & ~enterprise[:, None]
    december = np.where(cal.month_of_year(month) == 12, 0.85, 1.0)
    total = (
        size[:, None]
        * (1 - 0.6 * np.exp(-grown / 1.5))
        * np.exp(growth[:, None] * np.minimum(grown, 36))
        * np.clip(np.cumprod(steps, axis=1), 0.3, 5)
        * rng.lognormal(0, 0.08, (n, span))
        * december[None, :]
        * np.where(spikes, rng.uniform(3, 6, (n, span)), 1.0)
    )
    total = np.minimum(total, 1_000_000)
    del steps, spikes

    # Churn (smaller customers churn more), reactivation after at least a month at zero.
    hazard = np.select([size < 50, size < 200, size < 1000, size < 10_000], [0.045, 0.03, 0.018, 0.007], 0.003)
    stop = first + rng.geometric(hazard)
    stop = np.where(kind == STARTUP, first + 12 + np.where(rng.random(n) < 0.2, 0, rng.geometric(0.03, n)), stop)
    comeback = (rng.random(n) < 0.2) & (kind == PAYG)
    back = stop + rng.geometric(0.35, n)
    stop_again = back + rng.geometric(hazard)

    # Enterprise: credit contracts from the first bill or after some months of paying as they go.
    contract_start = first + np.where(rng.random(n) < 0.5, 0, rng.integers(1, 10, n))
    too_early = contract_start < -hist
    contract_start = np.where(too_early, contract_start + 12 * ((-hist - contract_start + 11) // 12), contract_start)
    terms = rng.geometric(0.15, n)
    stop = np.where(enterprise, contract_start + 12 * terms, stop)
    comeback &= ~enterprise
    # The export holds organizations still active when the window opens or signing up during it.
    restart = rng.geometric(hazard)
    stop = np.where(stop > 0, stop, np.where(enterprise, stop + 12 * ((11 - stop) // 12), restart))

    in_first = (month[None, :] < stop[:, None]) | (
        comeback[:, None] & (month[None, :] >= back[:, None]) & (month[None, :] < stop_again[:, None])
    )
    paying = kind != FREE
    c.billed = paying[:, None] & (age >= 0) & in_first
    lifetime = rng.geometric(0.03, n)
    lifetime = np.where(signup + lifetime > 0, lifetime, -signup + rng.geometric(0.03, n))
    c.active = np.where(
        paying[:, None],
        (month[None, :] >= signup[:, None]) & in_first,
        (month[None, :] >= signup[:, None]) & (month[None, :] < (signup + lifetime)[:, None]),
    )
    del in_first

    # Products: which ones, when adopted (cross-sell), and their share of the bill.
    has = rng.random((n, products)) < cat.adoption[None, :]
    free_products = np.isin(np.array(cat.keys), FREE_PRODUCTS)
    has[kind == FREE] &= free_products
    has[~has.any(axis=1), cat.index("product_analytics")] = True
    platform = cat.index("platform") if "platform" in cat.keys else None
    if platform is not None:
        has[:, platform] = np.where(
            enterprise, rng.random(n) < 0.7, (kind == PAYG) & (size > 800) & (rng.random(n) < 0.15)
        )
    order = np.argsort(-cat.adoption, kind="stable")
    lead = order[np.argmax(has[:, order], axis=1)]
    adopt = first[:, None] + np.where(
        np.arange(products)[None, :] == lead[:, None], 0, rng.geometric(0.18, (n, products)) - 1
    )
    adopted = has[:, None, :] & (month[None, :, None] >= adopt[:, None, :])
    weight = rng.gamma(0.9, 1.0, (n, products)) * cat.weight[None, :]
    if platform is not None:
        weight[:, platform] = 0
    share = np.where(adopted, weight[:, None, :], 0.0)
    share /= np.maximum(share.sum(axis=2, keepdims=True), 1e-12)
    c.target = total[:, :, None] * 100 * share
    del share, total
    if platform is not None:
        fee = np.where(enterprise, 200_000, 45_000)
        c.target[:, :, platform] = np.where(adopted[:, :, platform], fee[:, None], 0)
    lead_mask = np.arange(products)[None, :] == lead[:, None]
    c.used = has[:, None, :] & c.active[:, :, None] & (adopted | lead_mask[:, None, :] | (kind == FREE)[:, None, None])
    if platform is not None:
        c.used[:, :, platform] &= c.billed
    del adopted

    # Billing customers, coupons, taxes, startup credits, statuses.
    c.has_bc = paying & (first <= last)
    c.zero_invoices = (kind == FREE) & (rng.random(n) < 0.04)
    c.has_bc |= c.zero_invoices
    c.region = eu.astype(np.int64)
    c.industry = np.where(rng.random(n) < 0.06, -1, rng.integers(0, len(INDUSTRIES), n))
    employees = np.maximum(1, rng.lognormal(np.log(5 + 2 * np.sqrt(size)), 0.8)).astype(np.int64)
    c.employees = np.where(rng.random(n) < 0.08, -1, employees)
    c.created_at = timestamp_at(cal.start(signup), rng.integers(0, 10 * 86_400, n))
    bc_from = np.where(kind == FREE, signup, np.minimum(first, 10**4))
    c.bc_created_at = np.maximum(
        c.created_at + np.timedelta64(3600, "s"), timestamp_at(cal.start(bc_from), rng.integers(0, 10 * 86_400, n))
    )
    coupon = (kind == PAYG) & (rng.random(n) < 0.12)
    coupon_bp = rng.choice([1000, 1500, 2000], n)
    coupon_months = rng.integers(2, 7, n)
    c.coupon_bp = np.where(coupon[:, None] & (age >= 0) & (age < coupon_months[:, None]), coupon_bp[:, None], 0).astype(
        np.int64
    )
    taxed = rng.random(n) < 0.3
    c.tax_bp = np.where(taxed, np.where(eu, rng.choice([1700, 1900, 2000], n), rng.choice([800, 825, 875, 1000], n)), 0)
    startup = (kind == STARTUP) & c.has_bc
    credit = rng.choice([25_000, 30_000, 40_000, 50_000], n) * 100
    c.startup_credit = np.where(startup, credit, 0)
    c.startup_expires = np.where(startup, cal.start(np.minimum(first + 12, 10**4)), np.datetime64("NaT", "D"))
    for offset, target in ((0, c.pool_grant), (12, c.pool_reset)):
        rows = np.nonzero(startup & (first + offset + hist >= 0) & (first + offset + hist < span))[0]
        target[rows, first[rows] + offset + hist] = credit[rows] if offset == 0 else True
    c.p_uncollectible = np.where(size < 300, 0.006, 0.002)
    c.risk_month = np.where((size < 500) & (rng.random(n) < 0.3) & (stop <= last), stop - 1 + hist, -1)
    c.void = rng.random((n, span)) < 0.002
    c.draft_rate = 0.015

    # Enterprise contracts, renewed every 12 months while the customer stays.
    for o in np.nonzero(enterprise & c.has_bc)[0]:
        cadence = 12 if kind[o] == YEARLY else int(rng.choice([1, 3, 6]))
        start = int(contract_start[o])
        while start < stop[o] and start <= last:
            col = start + hist
            if col >= 0:
                monthly = float(c.target[o, col : col + 12].sum(axis=1).mean()) / 100
                credit_usd = int(np.clip(round(monthly * 12 * rng.uniform(0.8, 1.15) / 12_000), 5, 50)) * 12_000
                discount_bp = int(
                    rng.choice([1000, 1500])
                    if credit_usd < 120_000
                    else rng.choice([1500, 2000])
                    if credit_usd < 240_000
                    else rng.choice([2000, 2500, 3000])
                )
                c.contracts.append(Contract(int(o), int(o), start, credit_usd * 100, discount_bp, cadence))
            start += 12

    # Consolidations: EU -> US moves (a free organization's slot becomes the US one), same company.
    move = rng.integers(np.clip(first + 2, 1, last), last + 1)
    move_col = np.clip(move + hist, 0, span - 1)
    rows = np.arange(n)
    movable = (kind == PAYG) & eu & (first + 2 <= last) & c.billed[rows, move_col] & c.billed[rows, move_col - 1]
    movers = np.nonzero(movable & (rng.random(n) < 0.06))[0]
    spare = np.nonzero((kind == FREE) & ~c.zero_invoices)[0]
    spare = rng.permutation(spare)[: len(movers)]
    movers = movers[: len(spare)]
    moved = np.zeros(n, dtype=bool)
    for eu_org, us_org in zip(movers.tolist(), spare.tolist(), strict=True):
        after = month >= move[eu_org]
        for array in (c.billed, c.active, c.used, c.target, c.coupon_bp, c.void):
            array[us_org] = np.where(after.reshape((-1,) + (1,) * (array.ndim - 2)), array[eu_org], 0)
            array[eu_org] = np.where(after.reshape((-1,) + (1,) * (array.ndim - 2)), 0, array[eu_org])
        c.region[us_org] = 0
        c.has_bc[us_org] = True
        c.zero_invoices[us_org] = False
        c.tax_bp[us_org] = 0
        c.industry[us_org] = c.industry[eu_org]
        c.employees[us_org] = c.employees[eu_org]
        c.created_at[us_org] = timestamp_at(cal.start(move[eu_org]), -int(rng.integers(2, 9)) * 86_400)
        c.bc_created_at[us_org] = timestamp_at(cal.start(move[eu_org]), 3600 * int(rng.integers(8, 20)))
        c.risk_month[us_org] = c.risk_month[eu_org]
        c.risk_month[eu_org] = -1
        c.consolidations.append((eu_org, us_org, int(move[eu_org]), EU_TO_US))
        moved[[eu_org, us_org]] = True
    window_billed = c.billed[:, hist:]
    billing = (kind == PAYG) & window_billed.any(axis=1) & ~moved
    pool = rng.permutation(np.nonzero(billing)[0])
    pairs = round(0.012 * len(pool))
    for child, parent in zip(pool[:pairs].tolist(), pool[pairs : 2 * pairs].tolist(), strict=True):
        effective = int(max(np.argmax(window_billed[child]), np.argmax(window_billed[parent])))
        c.consolidations.append((child, parent, effective, SAME_COMPANY))

    # Trials while paying.
    for o in np.nonzero(billing & (rng.random(n) < 0.005))[0]:
        months_billed = np.nonzero(window_billed[o])[0]
        start = int(rng.choice(months_billed))
        end = start + int(rng.integers(0, 6))
        c.trials.append((int(o), start, None if end > last else end, "Evaluating self-hosting"))

    # One-time credits and refunds on paying-as-they-go months.
    reasons, reason_weights = _credit_reasons()
    payg_month = (kind == PAYG)[:, None] & c.billed & (month[None, :] >= 0)
    credit_org, credit_col = np.nonzero(payg_month & (rng.random((n, span)) < 0.003))
    credit_reason = rng.choice(len(reasons), len(credit_org), p=reason_weights)
    credit_share = rng.uniform(0.1, 1.0, len(credit_org))
    bill = c.target[credit_org, credit_col].sum(axis=1)
    for org, col, code, part, cents in zip(
        credit_org.tolist(),
        credit_col.tolist(),
        credit_reason.tolist(),
        credit_share.tolist(),
        bill.tolist(),
        strict=True,
    ):
        reason = reasons[code]
        note = CREDIT_NOTES.get(reason) if org % 5 else None
        c.credits.append((org, col, int(cents * part), reason, note))
    refund_org, refund_col = np.nonzero(payg_month & (rng.random((n, span)) < 0.002))
    refund_reason = rng.choice(len(reasons), len(refund_org), p=reason_weights)
    refund_share = rng.uniform(0.1, 0.9, len(refund_org))
    for org, col, code, part in zip(
        refund_org.tolist(), refund_col.tolist(), refund_reason.tolist(), refund_share.tolist(), strict=True
    ):
        c.refunds.append((org, col, -1, -1, part, reasons[code]))
    return c
