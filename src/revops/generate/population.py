"""The randomized population, one chunk of organizations at a time: growing signups, heavy-tailed sizes,
seasonality, churn and reactivation, cross-sell, a few consolidations, credits and refunds."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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

# The company starts with the data: signups from the window's first month on, growing every month, so
# customers arrive month by month (README, "The demo company", for the benchmarks these aim at).
_SIGNUP_GROWTH = 0.03  # monthly growth of signups (about 43 % a year)
_KIND_SHARES = (0.17, 0.757, 0.05, 0.015, 0.008)  # free, payg, startup, yearly, amortized
# Monthly logo churn by monthly bill (dollars): SMB-like below $1k, mid-market and enterprise above.
_CHURN_BY_SIZE = ((50, 0.05), (200, 0.035), (1_000, 0.025), (10_000, 0.012))
_CHURN_LARGEST = 0.006
_FIRST_MONTH_SHARE = 0.85  # a first bill covers part of a month: 85 % of the run rate, 95 % the month after
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


@dataclass
class _Draw:
    """What is drawn per organization before the months are filled in."""

    kind: np.ndarray
    signup: np.ndarray  # window month
    first: np.ndarray  # first billed window month (10**6: never)
    size: np.ndarray  # monthly bill at run rate, dollars
    eu: np.ndarray
    month: np.ndarray  # window month of each simulated column
    stop: np.ndarray = field(default_factory=lambda: np.zeros(0))  # first month without a bill

    @property
    def enterprise(self) -> np.ndarray:
        return (self.kind == YEARLY) | (self.kind == AMORTIZED)

    @property
    def age(self) -> np.ndarray:
        return self.month[None, :] - self.first[:, None]


def population_cohort(cal: Calendar, rng: np.random.Generator, n: int, first_org: int) -> Cohort:
    """`n` organizations of the randomized population, ids from `first_org`."""
    c = empty_cohort(n, cal, first_org)
    draw = _draw(cal, rng, n)
    total = _monthly_amounts(cal, rng, draw)
    contract_start = _lifetimes(cal, rng, draw, c)
    _products(rng, draw, c, total)
    del total
    _accounts_and_terms(cal, rng, draw, c)
    _enterprise_contracts(cal, rng, draw, c, contract_start)
    _consolidations_and_trials(cal, rng, draw, c)
    _credits_and_refunds(cal, rng, draw, c)
    _currencies(c)
    return c


def _currencies(c: Cohort) -> None:
    """Some EU organizations bill in EUR (two in five) or GBP (one in five), chosen by organization number so
    that no random draw moves and the rest of the population stays as it was."""
    eu = c.region == 1
    c.currency = np.where(eu & (c.org_num % 5 < 2), 1, np.where(eu & (c.org_num % 5 == 2), 2, 0)).astype(np.int64)


def _draw(cal: Calendar, rng: np.random.Generator, n: int) -> _Draw:
    kind = rng.choice(len(_KIND_SHARES), size=n, p=np.array(_KIND_SHARES) / sum(_KIND_SHARES))
    support = np.arange(0, cal.last + 1)
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
    month = np.arange(cal.span) - cal.history
    return _Draw(kind=kind, signup=signup, first=first, size=np.clip(size, 15, 250_000), eu=eu, month=month)


def _monthly_amounts(cal: Calendar, rng: np.random.Generator, draw: _Draw) -> np.ndarray:
    """Monthly list amounts in dollars [n, span]: a partial first month, a trend, lasting steps, noise, a
    December dip and rare spikes."""
    n, span = len(draw.kind), cal.span
    age = draw.age
    grown = np.clip(age, 0, None)
    growth = np.clip(rng.normal(0.006, 0.015, n), -0.04, 0.04)
    steps = np.where(rng.random((n, span)) < 0.02, rng.lognormal(0, 0.5, (n, span)), 1.0)
    steps[age <= 0] = 1.0
    spikes = (rng.random((n, span)) < 0.006) & (age >= 2) & ~draw.enterprise[:, None]
    december = np.where(cal.month_of_year(draw.month) == 12, 0.8, 1.0)
    ramp = 1 - (1 - _FIRST_MONTH_SHARE) * np.exp(-grown * math.log(3))  # 85 %, 95 %, 98 %, ...
    total = (
        draw.size[:, None]
        * ramp
        * np.exp(growth[:, None] * np.minimum(grown, 36))
        * np.clip(np.cumprod(steps, axis=1), 0.3, 5)
        * rng.lognormal(0, 0.08, (n, span))
        * december[None, :]
        * np.where(spikes, rng.uniform(3, 6, (n, span)), 1.0)
    )
    return np.minimum(total, 1_000_000)


def _lifetimes(cal: Calendar, rng: np.random.Generator, draw: _Draw, c: Cohort) -> np.ndarray:
    """When each organization stops (smaller ones churn sooner), comes back and stops again; enterprise
    customers leave at the end of a contract term. Sets the billed and active months; returns when each
    enterprise customer's first contract starts."""
    n, kind, first = len(draw.kind), draw.kind, draw.first
    limits = [limit for limit, _ in _CHURN_BY_SIZE]
    hazard = np.select([draw.size < limit for limit in limits], [rate for _, rate in _CHURN_BY_SIZE], _CHURN_LARGEST)
    stop = first + rng.geometric(hazard)
    stop = np.where(kind == STARTUP, first + 12 + np.where(rng.random(n) < 0.2, 0, rng.geometric(0.03, n)), stop)
    comeback = (rng.random(n) < 0.2) & (kind == PAYG) & ~draw.enterprise
    back = stop + rng.geometric(0.35, n)
    stop_again = back + rng.geometric(hazard)
    # Enterprise: credit contracts from the first bill or after some months of paying as they go.
    contract_start = first + np.where(rng.random(n) < 0.5, 0, rng.integers(1, 10, n))
    stop = np.where(draw.enterprise, contract_start + 12 * rng.geometric(0.15, n), stop)
    month = draw.month
    in_first = (month[None, :] < stop[:, None]) | (
        comeback[:, None] & (month[None, :] >= back[:, None]) & (month[None, :] < stop_again[:, None])
    )
    paying = kind != FREE
    c.billed = paying[:, None] & (draw.age >= 0) & in_first
    lifetime = rng.geometric(0.03, n)
    c.active = np.where(
        paying[:, None],
        (month[None, :] >= draw.signup[:, None]) & in_first,
        (month[None, :] >= draw.signup[:, None]) & (month[None, :] < (draw.signup + lifetime)[:, None]),
    )
    draw.stop = stop
    return contract_start


def _products(rng: np.random.Generator, draw: _Draw, c: Cohort, total: np.ndarray) -> None:
    """Which products each organization uses, when it adopts them (cross-sell) and their share of the bill."""
    cat = catalogue()
    n, products, kind, enterprise = len(draw.kind), len(cat.keys), draw.kind, draw.enterprise
    has = rng.random((n, products)) < cat.adoption[None, :]
    free_products = np.isin(np.array(cat.keys), FREE_PRODUCTS)
    has[kind == FREE] &= free_products
    has[~has.any(axis=1), cat.index("product_analytics")] = True
    platform = cat.index("platform") if "platform" in cat.keys else None
    if platform is not None:
        has[:, platform] = np.where(
            enterprise, rng.random(n) < 0.7, (kind == PAYG) & (draw.size > 800) & (rng.random(n) < 0.15)
        )
    order = np.argsort(-cat.adoption, kind="stable")
    lead = order[np.argmax(has[:, order], axis=1)]
    adopt = draw.first[:, None] + np.where(
        np.arange(products)[None, :] == lead[:, None], 0, rng.geometric(0.18, (n, products)) - 1
    )
    month = draw.month
    adopted = has[:, None, :] & (month[None, :, None] >= adopt[:, None, :])
    weight = rng.gamma(0.9, 1.0, (n, products)) * cat.weight[None, :]
    if platform is not None:
        weight[:, platform] = 0
    share = np.where(adopted, weight[:, None, :], 0.0)
    share /= np.maximum(share.sum(axis=2, keepdims=True), 1e-12)
    c.target = total[:, :, None] * 100 * share
    del share
    if platform is not None:
        fee = np.where(enterprise, 200_000, 45_000)
        c.target[:, :, platform] = np.where(adopted[:, :, platform], fee[:, None], 0)
    lead_mask = np.arange(products)[None, :] == lead[:, None]
    c.used = has[:, None, :] & c.active[:, :, None] & (adopted | lead_mask[:, None, :] | (kind == FREE)[:, None, None])
    if platform is not None:
        c.used[:, :, platform] &= c.billed


def _accounts_and_terms(cal: Calendar, rng: np.random.Generator, draw: _Draw, c: Cohort) -> None:
    """Billing customers, regions, sizes, coupons, taxes, startup credits and payment risks."""
    n, span, hist, last = len(draw.kind), cal.span, cal.history, cal.last
    kind, first, size, signup = draw.kind, draw.first, draw.size, draw.signup
    c.has_bc = (kind != FREE) & (first <= last)
    c.zero_invoices = (kind == FREE) & (rng.random(n) < 0.04)
    c.has_bc |= c.zero_invoices
    c.region = draw.eu.astype(np.int64)
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
    age = draw.age
    in_coupon = coupon[:, None] & (age >= 0) & (age < coupon_months[:, None])
    c.coupon_bp = np.where(in_coupon, coupon_bp[:, None], 0).astype(np.int64)
    taxed = rng.random(n) < 0.3
    rates = np.where(draw.eu, rng.choice([1700, 1900, 2000], n), rng.choice([800, 825, 875, 1000], n))
    c.tax_bp = np.where(taxed, rates, 0)
    startup = (kind == STARTUP) & c.has_bc
    credit = rng.choice([25_000, 30_000, 40_000, 50_000], n) * 100
    c.startup_credit = np.where(startup, credit, 0)
    c.startup_expires = np.where(startup, cal.start(np.minimum(first + 12, 10**4)), np.datetime64("NaT", "D"))
    for offset, target in ((0, c.pool_grant), (12, c.pool_reset)):
        rows = np.nonzero(startup & (first + offset + hist >= 0) & (first + offset + hist < span))[0]
        target[rows, first[rows] + offset + hist] = credit[rows] if offset == 0 else True
    c.p_uncollectible = np.where(size < 300, 0.006, 0.002)
    c.risk_month = np.where((size < 500) & (rng.random(n) < 0.3) & (draw.stop <= last), draw.stop - 1 + hist, -1)
    c.void = rng.random((n, span)) < 0.002
    c.draft_rate = 0.015


def _enterprise_contracts(
    cal: Calendar, rng: np.random.Generator, draw: _Draw, c: Cohort, contract_start: np.ndarray
) -> None:
    """Credit contracts sized on the usage they cover, renewed every 12 months while the customer stays."""
    hist, last = cal.history, cal.last
    for o in np.nonzero(draw.enterprise & c.has_bc)[0]:
        cadence = 12 if draw.kind[o] == YEARLY else int(rng.choice([1, 3, 6]))
        start = int(contract_start[o])
        while start < draw.stop[o] and start <= last:
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


def _consolidations_and_trials(cal: Calendar, rng: np.random.Generator, draw: _Draw, c: Cohort) -> None:
    """EU -> US moves (a free organization's slot becomes the US one), teams of the same company, and
    trials flagged while paying."""
    n, hist, last = len(draw.kind), cal.history, cal.last
    moved = _eu_to_us_moves(cal, rng, draw, c)
    window_billed = c.billed[:, hist:]
    billing = (draw.kind == PAYG) & window_billed.any(axis=1) & ~moved
    pool = rng.permutation(np.nonzero(billing)[0])
    pairs = round(0.012 * len(pool))
    for child, parent in zip(pool[:pairs].tolist(), pool[pairs : 2 * pairs].tolist(), strict=True):
        effective = int(max(np.argmax(window_billed[child]), np.argmax(window_billed[parent])))
        c.consolidations.append((child, parent, effective, SAME_COMPANY))
    for o in np.nonzero(billing & (rng.random(n) < 0.005))[0]:
        months_billed = np.nonzero(window_billed[o])[0]
        start = int(rng.choice(months_billed))
        end = start + int(rng.integers(0, 6))
        c.trials.append((int(o), start, None if end > last else end, "Evaluating self-hosting"))


def _eu_to_us_moves(cal: Calendar, rng: np.random.Generator, draw: _Draw, c: Cohort) -> np.ndarray:
    """Paying EU organizations that move to the US instance: their billing continues on a free
    organization's slot from the move month. Returns which organizations took part."""
    n, span, hist, last, first = len(draw.kind), cal.span, cal.history, cal.last, draw.first
    move = rng.integers(np.clip(first + 2, 1, last), last + 1)
    move_col = np.clip(move + hist, 0, span - 1)
    rows = np.arange(n)
    movable = (draw.kind == PAYG) & draw.eu & (first + 2 <= last) & c.billed[rows, move_col]
    movable &= c.billed[rows, move_col - 1]
    movers = np.nonzero(movable & (rng.random(n) < 0.06))[0]
    spare = np.nonzero((draw.kind == FREE) & ~c.zero_invoices)[0]
    spare = rng.permutation(spare)[: len(movers)]
    movers = movers[: len(spare)]
    moved = np.zeros(n, dtype=bool)
    for eu_org, us_org in zip(movers.tolist(), spare.tolist(), strict=True):
        after = draw.month >= move[eu_org]
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
    return moved


def _credits_and_refunds(cal: Calendar, rng: np.random.Generator, draw: _Draw, c: Cohort) -> None:
    """One-time credits and refunds on paying-as-they-go months."""
    n, span = len(draw.kind), cal.span
    reasons, reason_weights = _credit_reasons()
    payg_month = (draw.kind == PAYG)[:, None] & c.billed & (draw.month[None, :] >= 0)
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
