"""A cohort of organizations as the billing engine takes it (arrays over organizations, months and
products), the product catalogue's pricing, and the codes every part of the generator shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from revops import contract
from revops.generate.calendar import Calendar

# Pricing used to turn dollars into usage units: (free units a month, cents per unit as num / den).
_PRICING: dict[str, tuple[int, int, int]] = {
    "product_analytics": (1_000_000, 1, 200),
    "session_replay": (5_000, 1, 2),
    "feature_flags": (1_000_000, 1, 100),
    "surveys": (1_500, 10, 1),
    "error_tracking": (100_000, 1, 50),
    "llm_analytics": (100_000, 3, 500),
    "data_warehouse": (1_000_000, 3, 2_000),
    "cdp_destinations": (10_000, 1, 20),
    "workflows": (10_000, 1, 10),
    "logs": (50, 50, 1),
    "posthog_ai": (2_000, 1, 1),
    "group_analytics": (1_000_000, 7, 1_000),
    "platform": (0, 2_500, 1),
}


_DEFAULT_PRICING = (10_000, 1, 1)


# Population: share of organizations that ever use a product, and its relative weight in the bill.
_ADOPTION: dict[str, tuple[float, float]] = {
    "product_analytics": (0.95, 1.0),
    "session_replay": (0.7, 0.8),
    "feature_flags": (0.55, 0.35),
    "surveys": (0.3, 0.15),
    "error_tracking": (0.4, 0.3),
    "llm_analytics": (0.15, 0.3),
    "data_warehouse": (0.2, 0.3),
    "cdp_destinations": (0.15, 0.2),
    "workflows": (0.1, 0.15),
    "logs": (0.1, 0.25),
    "posthog_ai": (0.1, 0.1),
    "group_analytics": (0.2, 0.2),
    "platform": (0.0, 0.0),  # a fixed fee, decided separately
}


FREE_PRODUCTS = ("product_analytics", "session_replay", "feature_flags")


STATUSES = ("draft", "open", "paid", "void", "uncollectible")


DRAFT, OPEN, PAID, VOID, UNCOLLECTIBLE = range(5)


INVOICE_TYPES = ("usage", "credit_purchase", "other")


REGIONS = ("US", "EU")

# The currencies an organization may bill in (index 0 is USD, the default). Some EU organizations of
# the randomized population bill in EUR or GBP (`population`); the rates are written as fx_rates.
CURRENCIES = ("usd", "eur", "gbp")


INDUSTRIES = (
    "Software",
    "Fintech",
    "E-commerce",
    "Healthcare",
    "Media",
    "Education",
    "Gaming",
    "Travel",
    "Marketplace",
    "Developer tools",
)


CONSOLIDATION_REASONS = ("eu_to_us_migration", "same_company", "amortized_contract")


EU_TO_US, SAME_COMPANY, AMORTIZED_CONTRACT = range(3)


FREE, PAYG, STARTUP, YEARLY, AMORTIZED, HOLDER = range(6)


CREDIT_NOTES = {
    "First Big Bill": "First bill after the free tier",
    "Unwanted Spike": "Bot traffic; overage credited",
    "Trial Accommodation": "Trial of a new product",
    "Promo Credit": "Promotion",
    "Incident Credit": "Ingestion incident",
    "Bug Credit": "Billing correction",
    "Other": "Goodwill",
}


@dataclass(frozen=True)
class Catalogue:
    keys: tuple[str, ...]
    free: np.ndarray
    num: np.ndarray
    den: np.ndarray
    adoption: np.ndarray
    weight: np.ndarray

    def index(self, key: str) -> int:
        return self.keys.index(key)


@cache
def catalogue() -> Catalogue:
    keys = contract.product_keys()
    pricing = [_PRICING.get(key, _DEFAULT_PRICING) for key in keys]
    adoption = [_ADOPTION.get(key, (0.03, 0.1)) for key in keys]
    return Catalogue(
        keys=keys,
        free=np.array([price[0] for price in pricing], dtype=np.int64),
        num=np.array([price[1] for price in pricing], dtype=np.int64),
        den=np.array([price[2] for price in pricing], dtype=np.int64),
        adoption=np.array([share[0] for share in adoption]),
        weight=np.array([share[1] for share in adoption]),
    )


@dataclass
class Contract:
    usage_org: int  # index in the cohort of the organization whose usage the credits pay
    credits_org: int  # index of the organization that buys the credits (the contract's organization)
    start: int  # window month (negative: before the window)
    credit_cents: int
    discount_bp: int  # basis points: 2000 = 20 %
    cadence: int  # 12 = upfront yearly; 1, 3, 6 = amortized on a second billing customer
    term: int = 12
    replaces: Contract | None = None  # an early renewal: the contract it ends when it starts

    @property
    def price_cents(self) -> int:
        return self.credit_cents * (10_000 - self.discount_bp) // 10_000


@dataclass
class Cohort:
    """Arrays over organizations [n], organization-months [n, span] and product months [n, span, P].

    Month columns are the simulated months: `history` months before the window, then the window.
    """

    org_num: np.ndarray
    created_at: np.ndarray  # datetime64[s]
    region: np.ndarray  # 0 US, 1 EU
    currency: np.ndarray  # index in CURRENCIES: what its invoices, lines, refunds and contracts are in
    industry: np.ndarray  # index in INDUSTRIES, -1 = unknown
    employees: np.ndarray  # -1 = unknown
    has_bc: np.ndarray  # has a (usage) billing customer
    bc_created_at: np.ndarray  # datetime64[s]
    startup_credit: np.ndarray  # cents, 0 = not on the startup plan
    startup_expires: np.ndarray  # datetime64[D], NaT when not on the startup plan
    tax_bp: np.ndarray
    zero_invoices: np.ndarray  # free organization whose billing customer gets $0 invoices
    p_uncollectible: np.ndarray  # per organization
    risk_month: np.ndarray  # column with a high chance of an uncollectible invoice, -1 = none
    billed: np.ndarray  # [n, span] usage is invoiced this month
    active: np.ndarray  # [n, span] the organization uses the product this month
    target: np.ndarray  # [n, span, P] list amount in cents where billed
    used: np.ndarray  # [n, span, P] product used (billed or inside its free tier)
    coupon_bp: np.ndarray  # [n, span]
    pool_grant: np.ndarray  # [n, span] startup credit granted this month in cents, -1 = none
    pool_reset: np.ndarray  # [n, span] startup credit expires at the start of this month
    status: np.ndarray  # [n, span] forced invoice status, -1 = random
    void: np.ndarray  # [n, span] the month's first invoice is voided and replaced
    pay_delay_days: np.ndarray  # [n, span] days from an invoice's creation to its payment, -1 = random
    draft_rate: float = 0.0  # chance that a newest-month invoice is still a draft
    credits: list[tuple[int, int, int, str, str | None]] = field(default_factory=list)  # org, col, cents
    refunds: list[tuple[int, int, int, int, float, str]] = field(default_factory=list)  # org, col, prod
    contracts: list[Contract] = field(default_factory=list)
    consolidations: list[tuple[int, int, int, int]] = field(default_factory=list)  # child, parent, month
    trials: list[tuple[int, int, int | None, str | None]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.org_num)


def empty_cohort(n: int, cal: Calendar, first_org: int) -> Cohort:
    products = len(catalogue().keys)
    span = cal.span
    return Cohort(
        org_num=np.arange(first_org, first_org + n, dtype=np.int64),
        created_at=np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        region=np.zeros(n, dtype=np.int64),
        currency=np.zeros(n, dtype=np.int64),
        industry=np.full(n, -1, dtype=np.int64),
        employees=np.full(n, -1, dtype=np.int64),
        has_bc=np.zeros(n, dtype=bool),
        bc_created_at=np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        startup_credit=np.zeros(n, dtype=np.int64),
        startup_expires=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
        tax_bp=np.zeros(n, dtype=np.int64),
        zero_invoices=np.zeros(n, dtype=bool),
        p_uncollectible=np.zeros(n),
        risk_month=np.full(n, -1, dtype=np.int64),
        billed=np.zeros((n, span), dtype=bool),
        active=np.zeros((n, span), dtype=bool),
        target=np.zeros((n, span, products)),
        used=np.zeros((n, span, products), dtype=bool),
        coupon_bp=np.zeros((n, span), dtype=np.int64),
        pool_grant=np.full((n, span), -1, dtype=np.int64),
        pool_reset=np.zeros((n, span), dtype=bool),
        status=np.full((n, span), -1, dtype=np.int64),
        void=np.zeros((n, span), dtype=bool),
        pay_delay_days=np.full((n, span), -1, dtype=np.int64),
    )


@dataclass
class Candidates:
    """Paying organizations that could be in a TAM's book (largest first when merged)."""

    org_num: np.ndarray
    score: np.ndarray  # average net bill of the last three months, cents
    first_month: np.ndarray  # first billed window month

    @staticmethod
    def merge(parts: list[Candidates], keep: int) -> Candidates:
        org_num = np.concatenate([part.org_num for part in parts]) if parts else np.zeros(0, np.int64)
        score = np.concatenate([part.score for part in parts]) if parts else np.zeros(0)
        first = np.concatenate([part.first_month for part in parts]) if parts else np.zeros(0, np.int64)
        order = np.lexsort((org_num, -score))[:keep]
        return Candidates(org_num[order], score[order], first[order])
