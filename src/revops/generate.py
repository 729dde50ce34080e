"""A deterministic synthetic input directory for the warehouse (`revops generate`).

One file per input table of the contract (`revops.contract.tables()`), in the contract's
column order. The organizations come in two parts:

- scenario organizations (the first ids): hand-written storylines that make every billing
  configuration, every revenue adjustment case and every quota case occur at any size;
- a randomized population for the rest: growing signups, heavy-tailed sizes, seasonality,
  churn and reactivation, cross-sell, a few consolidations, credits and refunds.

Both go through one billing engine, `_bill`, which turns monthly usage into invoices, line
items, credits, refunds, contracts and subscriptions with every identity exact to the cent.
The population is processed in chunks of organizations, vectorized with numpy and appended to
the output files, so memory stays bounded at any size.

Same arguments, same bytes: randomness comes only from `numpy.random.Generator(PCG64)` streams
derived from the seed (one per chunk), never from the clock, hashing or dict ordering.
Files are written under temporary names and renamed when complete.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from revops import contract
from revops.errors import RevopsError

MIN_MONTHS = 15  # the scenario storylines need 15 months (a 12-month term and what follows)
CHUNK_ORGANIZATIONS = 5_000
HISTORY_MONTHS = 12  # simulated before the window so credit balances are right when it opens
FILE_FORMATS = ("csv", "parquet")

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
_FREE_PRODUCTS = ("product_analytics", "session_replay", "feature_flags")
_MIN_LINE_CENTS = 50  # a product below $0.50 in a month stays inside its free tier

STATUSES = ("draft", "open", "paid", "void", "uncollectible")
DRAFT, OPEN, PAID, VOID, UNCOLLECTIBLE = range(5)
INVOICE_TYPES = ("usage", "credit_purchase", "other")
REGIONS = ("US", "EU")
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
_KIND_SHARES = (0.17, 0.757, 0.05, 0.015, 0.008)  # free, payg, startup, yearly, amortized
_CREDIT_NOTES = {
    "First Big Bill": "First bill after the free tier",
    "Unwanted Spike": "Bot traffic; overage credited",
    "Trial Accommodation": "Trial of a new product",
    "Promo Credit": "Promotion",
    "Incident Credit": "Ingestion incident",
    "Bug Credit": "Billing correction",
    "Other": "Goodwill",
}


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """Window months are 0 .. months - 1 (the last is `end_month`); negative ones are history."""

    months: int
    end_month: date
    history: int = HISTORY_MONTHS

    @property
    def first(self) -> np.datetime64:
        return np.datetime64(self.end_month, "M") - (self.months - 1)

    @property
    def last(self) -> int:
        return self.months - 1

    @property
    def span(self) -> int:
        return self.history + self.months

    def start(self, month):
        """First day of window month(s) `month` (datetime64[D])."""
        return (self.first + np.asarray(month, dtype=np.int64)).astype("datetime64[D]")

    def end(self, month):
        """Last day of window month(s) `month`."""
        return self.start(np.asarray(month, dtype=np.int64) + 1) - np.timedelta64(1, "D")

    def month_of_year(self, month) -> np.ndarray:
        return (self.first + np.asarray(month, dtype=np.int64)).astype(np.int64) % 12 + 1

    def day(self, month: int, days: int = 0) -> date:
        return (self.start(month) + np.timedelta64(days, "D")).astype(object)

    def quarter_name(self, month: int) -> str:
        start = self.day(month)
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"

    @property
    def focus_quarter_end(self) -> int:
        """The last month of the newest complete quarter of the window."""
        month = self.last
        while self.month_of_year(month) % 3 != 0:
            month -= 1
        return int(month)


def _seconds(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("timedelta64[s]")


def _at(day: np.ndarray, seconds) -> np.ndarray:
    return day.astype("datetime64[s]") + _seconds(seconds)


# --------------------------------------------------------------------------------------------
# Output: one writer per contract table, appending chunks
# --------------------------------------------------------------------------------------------

_ARROW_TYPES = {
    "varchar": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("s"),
    "decimal": pa.decimal128(18, 2),
    "double": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}
# Usage units are whole numbers: written as integers in CSV (a double column accepts them).
_WHOLE_NUMBER_COLUMNS = {("usage", "units"), ("invoice_line_items", "quantity")}


class _Output:
    """Appends columns to NAME.csv / NAME.parquet for every table of the contract."""

    def __init__(self, out_dir: Path, file_format: str):
        self.out_dir = out_dir
        self.file_format = file_format
        self.tables = contract.tables()
        self.rows = dict.fromkeys(self.tables, 0)
        self._handles: dict[str, object] = {}
        self._writers: dict[str, object] = {}
        self._schemas: dict[str, pa.Schema] = {}
        for name, table in self.tables.items():
            fields = []
            for column in table.columns:
                arrow_type = _ARROW_TYPES[column.data_type]
                if file_format == "csv" and (name, column.name) in _WHOLE_NUMBER_COLUMNS:
                    arrow_type = pa.int64()
                fields.append(pa.field(column.name, arrow_type))
            self._schemas[name] = pa.schema(fields)

    def _temporary(self, name: str) -> Path:
        return self.out_dir / f".{name}.{self.file_format}.tmp"

    def _writer(self, name: str):
        if name not in self._writers:
            schema = self._schemas[name]
            path = self._temporary(name)
            if self.file_format == "csv":
                handle = path.open("wb")
                handle.write((",".join(schema.names) + "\n").encode())
                self._handles[name] = handle
                options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
                self._writers[name] = pa_csv.CSVWriter(handle, schema, write_options=options)
            else:
                self._writers[name] = pq.ParquetWriter(path, schema, compression="zstd")
        return self._writers[name]

    def write(self, name: str, columns: dict[str, object]) -> None:
        schema = self._schemas[name]
        if set(columns) != set(schema.names):
            raise AssertionError(f"{name}: columns {sorted(columns)} differ from the contract")
        arrays = []
        for schema_field in schema:
            values = columns[schema_field.name]
            if isinstance(values, pa.Array | pa.ChunkedArray):
                arrays.append(values.cast(schema_field.type))
            else:
                arrays.append(pa.array(values, type=schema_field.type, from_pandas=True))
        table = pa.Table.from_arrays(arrays, schema=schema)
        if table.num_rows == 0:
            return
        self._writer(name).write_table(table)
        self.rows[name] += table.num_rows

    def write_rows(self, name: str, rows: list[dict[str, object]]) -> None:
        names = self._schemas[name].names
        self.write(name, {column: [row[column] for row in rows] for column in names})

    def close(self) -> None:
        for name in self.tables:
            self._writer(name)  # every table gets a file, even an empty one
        for writer in self._writers.values():
            writer.close()
        for handle in self._handles.values():
            handle.close()
        for name in self.tables:
            for other in FILE_FORMATS:
                (self.out_dir / f"{name}.{other}").unlink(missing_ok=True)
            os.replace(self._temporary(name), self.out_dir / f"{name}.{self.file_format}")

    def abort(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(Exception):  # the original error matters more
                writer.close()
        for handle in self._handles.values():
            handle.close()
        for name in self.tables:
            self._temporary(name).unlink(missing_ok=True)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    text = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, text, "")


def _org_ids(numbers) -> pa.Array:
    return _ids("org_", numbers, 6)


def _bc_ids(numbers) -> pa.Array:
    return _ids("bc_", numbers, 6)


def _invoice_ids(numbers) -> pa.Array:
    return _ids("inv_", numbers, 7)


def _money(cents: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Exact decimal(18, 2) from integer cents (non-negative), built from the raw 128-bit values."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    if (cents < 0).any():
        raise AssertionError("negative money")
    raw = np.zeros(2 * len(cents), dtype=np.int64)
    raw[0::2] = cents
    validity = None
    if valid is not None:
        validity = pa.array(np.asarray(valid, dtype=bool)).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [validity, pa.py_buffer(raw.tobytes())])


def _labels(values: Iterable[str], codes: np.ndarray) -> pa.Array:
    codes = np.asarray(codes, dtype=np.int64)
    return pa.array(list(values), pa.string()).take(pa.array(codes, mask=codes < 0))


def _cents(dollars: float) -> int:
    return round(dollars * 100)


def _decimal(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(int(cents)).scaleb(-2)


@dataclass
class _Counters:
    """The next number of each kind of id, shared across chunks."""

    next: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("org", "bc", "invoice", "line", "sub", "contract", "credit", "refund"), 1
        )
    )

    def take(self, kind: str, count: int) -> int:
        first = self.next[kind]
        self.next[kind] += int(count)
        return first


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Catalogue:
    keys: tuple[str, ...]
    free: np.ndarray
    num: np.ndarray
    den: np.ndarray
    adoption: np.ndarray
    weight: np.ndarray

    def index(self, key: str) -> int:
        return self.keys.index(key)


@cache
def _catalogue() -> _Catalogue:
    keys = contract.product_keys()
    pricing = [_PRICING.get(key, _DEFAULT_PRICING) for key in keys]
    adoption = [_ADOPTION.get(key, (0.03, 0.1)) for key in keys]
    return _Catalogue(
        keys=keys,
        free=np.array([price[0] for price in pricing], dtype=np.int64),
        num=np.array([price[1] for price in pricing], dtype=np.int64),
        den=np.array([price[2] for price in pricing], dtype=np.int64),
        adoption=np.array([share[0] for share in adoption]),
        weight=np.array([share[1] for share in adoption]),
    )


# --------------------------------------------------------------------------------------------
# A cohort of organizations, as the billing engine takes it
# --------------------------------------------------------------------------------------------


@dataclass
class _Contract:
    usage_org: int  # index in the cohort of the organization whose usage the credits pay
    credits_org: int  # index of the organization that buys the credits (the contract's organization)
    start: int  # window month (negative: before the window)
    credit_cents: int
    discount_bp: int  # basis points: 2000 = 20 %
    cadence: int  # 12 = upfront yearly; 1, 3, 6 = amortized on a second billing customer
    term: int = 12
    replaces: _Contract | None = None  # an early renewal: the contract it ends when it starts

    @property
    def price_cents(self) -> int:
        return self.credit_cents * (10_000 - self.discount_bp) // 10_000


@dataclass
class _Cohort:
    """Arrays over organizations [n], organization-months [n, span] and product months [n, span, P].

    Month columns are the simulated months: `history` months before the window, then the window.
    """

    org_num: np.ndarray
    created_at: np.ndarray  # datetime64[s]
    region: np.ndarray  # 0 US, 1 EU
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
    contracts: list[_Contract] = field(default_factory=list)
    consolidations: list[tuple[int, int, int, int]] = field(default_factory=list)  # child, parent, month
    trials: list[tuple[int, int, int | None, str | None]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.org_num)


def _empty_cohort(n: int, cal: _Calendar, first_org: int) -> _Cohort:
    products = len(_catalogue().keys)
    span = cal.span
    return _Cohort(
        org_num=np.arange(first_org, first_org + n, dtype=np.int64),
        created_at=np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"),
        region=np.zeros(n, dtype=np.int64),
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
class _Candidates:
    """Paying organizations that could be in a TAM's book (largest first when merged)."""

    org_num: np.ndarray
    score: np.ndarray  # average net bill of the last three months, cents
    first_month: np.ndarray  # first billed window month

    @staticmethod
    def merge(parts: list[_Candidates], keep: int) -> _Candidates:
        org_num = np.concatenate([part.org_num for part in parts]) if parts else np.zeros(0, np.int64)
        score = np.concatenate([part.score for part in parts]) if parts else np.zeros(0)
        first = np.concatenate([part.first_month for part in parts]) if parts else np.zeros(0, np.int64)
        order = np.lexsort((org_num, -score))[:keep]
        return _Candidates(org_num[order], score[order], first[order])


# --------------------------------------------------------------------------------------------
# The billing engine
# --------------------------------------------------------------------------------------------


def _bill(c: _Cohort, cal: _Calendar, rng: np.random.Generator, ids: _Counters, out: _Output) -> _Candidates:
    """Write the cohort's organizations, billing customers, invoices, lines, usage, credits, refunds,
    contracts, subscriptions, consolidations and trials; return the candidates for TAM books."""
    cat = _catalogue()
    n, span, hist, last = c.n, cal.span, cal.history, cal.last
    if (c.billed & ~c.has_bc[:, None]).any() or (c.zero_invoices & ~c.has_bc).any():
        raise AssertionError("an organization is invoiced without a billing customer")

    # Line amounts from usage units; the free tier is on top of the billable units.
    charged = c.billed[:, :, None] & (c.target >= _MIN_LINE_CENTS)
    billable = np.where(charged, np.maximum(1, np.rint(c.target * cat.den / cat.num)), 0).astype(np.int64)
    amount = (billable * cat.num * 2 + cat.den) // (2 * cat.den)
    charged &= amount > 0
    tier = np.floor(cat.free * rng.uniform(0.02, 0.95, size=amount.shape)).astype(np.int64)
    units = np.where(charged, cat.free + billable, np.where(c.used, tier, 0))
    del billable, tier
    line_discount = amount * c.coupon_bp[:, :, None] // 10_000
    subtotal = amount.sum(axis=2)
    discount = line_discount.sum(axis=2)
    net = subtotal - discount
    usage_invoice = c.billed & (subtotal > 0)
    zero_invoice = c.zero_invoices[:, None] & ~usage_invoice & (units.sum(axis=2) > 0)
    has_invoice = usage_invoice | zero_invoice

    # One-time credits: applied in full on the month's invoice (at most its amount after coupons).
    one_time = np.zeros((n, span), dtype=np.int64)
    credit_rows = []
    for org, col, cents, reason, note in c.credits:
        if has_invoice[org, col] and one_time[org, col] == 0 and col >= hist:
            applied = min(int(cents), int(net[org, col]))
            if applied > 0:
                one_time[org, col] = applied
                credit_rows.append((org, col, applied, reason, note))

    # Credit pools: startup credits and contract credits, used month by month until they run out.
    grant = c.pool_grant.copy()
    reset = c.pool_reset.copy()
    replaced = {id(deal.replaces) for deal in c.contracts if deal.replaces is not None}
    for deal in c.contracts:
        col = deal.start + hist
        reset[deal.usage_org, col] = True
        grant[deal.usage_org, col] = deal.credit_cents
        if col + deal.term < span and id(deal) not in replaced:  # a renewal's credits outlive what it replaced
            reset[deal.usage_org, col + deal.term] = True
    room = net - one_time
    pool_used = np.zeros((n, span), dtype=np.int64)
    balance = np.zeros(n, dtype=np.int64)
    for col in range(span):
        balance[reset[:, col]] = 0
        balance = np.where(grant[:, col] >= 0, grant[:, col], balance)
        used_now = np.where(has_invoice[:, col], np.minimum(balance, room[:, col]), 0)
        pool_used[:, col] = used_now
        balance -= used_now
    credit_applied = one_time + pool_used
    taxable = net - credit_applied
    tax = (taxable * c.tax_bp[:, None] * 2 + 10_000) // 20_000
    total = taxable + tax

    # Billing customers: a usage one per organization that has one, a credits one per amortized buyer.
    credits_buyer = np.zeros(n, dtype=bool)
    first_amortized = np.full(n, 10**6, dtype=np.int64)
    for deal in c.contracts:
        if deal.cadence < 12:
            credits_buyer[deal.credits_org] = True
            first_amortized[deal.credits_org] = min(first_amortized[deal.credits_org], deal.start)
    credits_bc_created = np.maximum(
        c.created_at + np.timedelta64(3600, "s"),
        _at(cal.start(np.minimum(first_amortized, 10**4)), np.full(n, -10 * 86_400 + 50_000)),
    )
    per_org = c.has_bc.astype(np.int64) + credits_buyer
    bc_first = ids.take("bc", per_org.sum())
    bc_offset = np.cumsum(per_org) - per_org
    usage_bc = np.where(c.has_bc, bc_first + bc_offset, -1)
    credits_bc = np.where(credits_buyer, bc_first + bc_offset + c.has_bc, -1)
    bc_has_invoice = np.zeros(int(per_org.sum()), dtype=bool)

    # Usage invoices of the window, with a voided first copy where one was replaced.
    inv_org, inv_month = np.nonzero(has_invoice[:, hist:])
    inv_col = inv_month + hist
    count = len(inv_org)
    draw = rng.random(count)
    status = np.full(count, PAID, dtype=np.int64)
    newest = inv_month == last
    before = inv_month == last - 1
    status[newest & (draw < 0.55)] = OPEN
    status[newest & (draw < c.draft_rate)] = DRAFT
    status[before & (draw < 0.08)] = OPEN
    risk = np.where(inv_col == c.risk_month[inv_org], 0.6, c.p_uncollectible[inv_org])
    status[(inv_month < last - 1) & (draw < risk)] = UNCOLLECTIBLE
    status[(total[inv_org, inv_col] == 0) & (status != DRAFT)] = PAID
    forced = c.status[inv_org, inv_col]
    status = np.where(forced >= 0, forced, status)
    voided = c.void[inv_org, inv_col] & (status == PAID) & ~newest
    copies = 1 + voided.astype(np.int64)
    group_start = np.cumsum(copies) - copies
    inv_first = ids.take("invoice", copies.sum())
    rep = np.repeat(np.arange(count), copies)
    position = np.arange(len(rep)) - group_start[rep]
    is_void_copy = voided[rep] & (position == 0)
    created = _at(cal.start(inv_month + 1), rng.integers(0, 6 * 3600, count))[rep]
    created += _seconds(np.where(voided[rep] & (position == 1), 2 * 86_400 + rng.integers(0, 9 * 3600, len(rep)), 0))
    copy_status = np.where(is_void_copy, VOID, status[rep])
    delay = np.where(newest[rep], rng.integers(600, 2 * 86_400, len(rep)), rng.integers(600, 10 * 86_400, len(rep)))
    delay = np.where(total[inv_org, inv_col][rep] == 0, 0, delay)
    forced_delay = c.pay_delay_days[inv_org, inv_col][rep]
    delay = np.where(forced_delay >= 0, forced_delay * 86_400 + 36_000, delay)
    paid = copy_status == PAID
    paid_at = np.where(paid, created + _seconds(delay), np.datetime64("NaT", "s"))
    r_org, r_col = inv_org[rep], inv_col[rep]
    bc_has_invoice[usage_bc[inv_org] - bc_first] = True
    out.write(
        "invoices",
        {
            "invoice_id": _invoice_ids(inv_first + np.arange(len(rep))),
            "billing_customer_id": _bc_ids(usage_bc[r_org]),
            "invoice_type": _labels(INVOICE_TYPES, np.zeros(len(rep), dtype=np.int64)),
            "status": _labels(STATUSES, copy_status),
            "period_start": cal.start(r_col - hist),
            "period_end": cal.end(r_col - hist),
            "currency": _labels(("usd",), np.zeros(len(rep), dtype=np.int64)),
            "subtotal_usd": _money(subtotal[r_org, r_col]),
            "discount_usd": _money(discount[r_org, r_col]),
            "credit_applied_usd": _money(credit_applied[r_org, r_col]),
            "tax_usd": _money(tax[r_org, r_col]),
            "total_usd": _money(total[r_org, r_col]),
            "amount_paid_usd": _money(np.where(paid, total[r_org, r_col], 0)),
            "created_at": created,
            "due_on": created.astype("datetime64[D]") + np.timedelta64(14, "D"),
            "paid_at": paid_at,
        },
    )

    # Line items: one per product billed (all products used on a free organization's $0 invoice).
    window_units = units[:, hist:, :]
    line_mask = charged[:, hist:, :] | (zero_invoice[:, hist:, None] & (window_units > 0))
    l_org, l_month, l_prod = np.nonzero(line_mask)
    slot = np.full((n, cal.months), -1, dtype=np.int64)
    slot[inv_org, inv_month] = np.arange(count)
    l_inv = slot[l_org, l_month]
    l_copies = copies[l_inv]
    l_rep = np.repeat(np.arange(len(l_org)), l_copies)
    l_position = np.arange(len(l_rep)) - (np.cumsum(l_copies) - l_copies)[l_rep]
    l_number = inv_first + group_start[l_inv[l_rep]] + l_position
    order = np.argsort(l_number, kind="stable")
    l_rep, l_number = l_rep[order], l_number[order]
    lo, lc, lp = l_org[l_rep], l_month[l_rep] + hist, l_prod[l_rep]
    line_first = ids.take("line", len(l_rep))
    out.write(
        "invoice_line_items",
        {
            "line_item_id": _ids("li_", line_first + np.arange(len(l_rep)), 8),
            "invoice_id": _invoice_ids(l_number),
            "product_key": _labels(cat.keys, lp),
            "quantity": units[lo, lc, lp],
            "amount_usd": _money(amount[lo, lc, lp]),
            "discount_usd": _money(line_discount[lo, lc, lp]),
        },
    )
    del line_mask, l_rep, l_number, lo, lc, lp

    # Usage: every product an organization used in a window month.
    u_org, u_month, u_prod = np.nonzero(window_units > 0)
    out.write(
        "usage",
        {
            "organization_id": _org_ids(c.org_num[u_org]),
            "product_key": _labels(cat.keys, u_prod),
            "usage_month": cal.start(u_month),
            "units": window_units[u_org, u_month, u_prod],
        },
    )
    del u_org, u_month, u_prod, window_units

    # One-time credits as granted (the amount applied on the month's invoice).
    credit_first = ids.take("credit", len(credit_rows))
    cr_org = np.array([row[0] for row in credit_rows], dtype=np.int64)
    cr_col = np.array([row[1] for row in credit_rows], dtype=np.int64)
    out.write(
        "credits",
        {
            "credit_id": _ids("cr_", credit_first + np.arange(len(credit_rows)), 6),
            "billing_customer_id": _bc_ids(usage_bc[cr_org]),
            "amount_usd": _money(np.array([row[2] for row in credit_rows], dtype=np.int64)),
            "reason": pa.array([row[3] for row in credit_rows], pa.string()),
            "applies_to_month": cal.start(cr_col - hist),
            "created_at": _at(cal.start(cr_col - hist), rng.integers(8, 26, len(credit_rows)) * 86_400 + 36_000),
            "note": pa.array([row[4] for row in credit_rows], pa.string()),
        },
    )

    # Refunds: against a paid usage invoice without credits, at most the product line after coupons.
    refund_rows = []
    last_copy = group_start + copies - 1
    for org, col, product, cents, fraction, reason in c.refunds:
        if col < hist or slot[org, col - hist] < 0:
            continue
        base = slot[org, col - hist]
        if status[base] != PAID or credit_applied[org, col] > 0:
            continue
        product = int(np.argmax(amount[org, col])) if product < 0 else product
        line_net = int(amount[org, col, product] - line_discount[org, col, product])
        value = min(int(cents) if cents >= 0 else int(fraction * line_net), line_net)
        if value > 0:
            refund_rows.append((inv_first + last_copy[base], product, value, reason, paid_at[last_copy[base]]))
    refund_first = ids.take("refund", len(refund_rows))
    refund_paid = np.array([row[4] for row in refund_rows], dtype="datetime64[s]")
    out.write(
        "refunds",
        {
            "refund_id": _ids("rf_", refund_first + np.arange(len(refund_rows)), 6),
            "invoice_id": _invoice_ids(np.array([row[0] for row in refund_rows], dtype=np.int64)),
            "product_key": _labels(cat.keys, np.array([row[1] for row in refund_rows], dtype=np.int64)),
            "amount_usd": _money(np.array([row[2] for row in refund_rows], dtype=np.int64)),
            "reason": pa.array([row[3] for row in refund_rows], pa.string()),
            "created_at": refund_paid + _seconds(rng.integers(3 * 86_400, 20 * 86_400, len(refund_rows))),
        },
    )

    # Contracts and their credit purchase invoices (no line items; subtotal = total = the payment), issued
    # the way billing systems issue them: one-off invoices dated on the day their period starts, the first
    # one on an account a few days before its contract starts.
    contract_rows, purchase_rows = [], []
    contract_ended = np.full(n, -(10**6), dtype=np.int64)
    first_start_on_account = _first_contract_start_per_account(c, usage_bc, credits_bc)
    for deal in c.contracts:
        if deal.start + deal.term - 1 < 0:
            continue  # ended before the window
        if deal.cadence == 12:
            buyer_bc, buyer_created = usage_bc[deal.usage_org], c.bc_created_at[deal.usage_org]
        else:
            buyer_bc, buyer_created = credits_bc[deal.credits_org], credits_bc_created[deal.credits_org]
        if deal.cadence < 12:
            contract_ended[deal.credits_org] = max(contract_ended[deal.credits_org], deal.start + deal.term)
        contract_rows.append((deal, buyer_bc))
        for period in range(deal.term // deal.cadence):
            first_month = deal.start + period * deal.cadence
            last_month = first_month + deal.cadence - 1
            if first_month > last or last_month < 0:
                continue
            ahead = period == 0 and deal.start == first_start_on_account[buyer_bc]
            purchase_rows.append(
                (buyer_bc, first_month, last_month, deal.price_cents * deal.cadence // deal.term, buyer_created, ahead)
            )
            bc_has_invoice[buyer_bc - bc_first] = True
    contract_first = ids.take("contract", len(contract_rows))
    contract_number = {id(deal): contract_first + position for position, (deal, _) in enumerate(contract_rows)}
    replaces_number = [
        contract_number.get(id(deal.replaces)) if deal.replaces is not None else None for deal, _ in contract_rows
    ]
    out.write(
        "contracts",
        {
            "contract_id": _ids("ctr_", contract_first + np.arange(len(contract_rows)), 5),
            "organization_id": _org_ids([c.org_num[deal.credits_org] for deal, _ in contract_rows]),
            "credits_billing_customer_id": _bc_ids([bc for _, bc in contract_rows]),
            "usage_billing_customer_id": _bc_ids([usage_bc[deal.usage_org] for deal, _ in contract_rows]),
            "credit_usd": _money(np.array([deal.credit_cents for deal, _ in contract_rows], dtype=np.int64)),
            "price_usd": _money(np.array([deal.price_cents for deal, _ in contract_rows], dtype=np.int64)),
            "discount": [deal.discount_bp / 10_000 for deal, _ in contract_rows],
            "start_date": cal.start(np.array([deal.start for deal, _ in contract_rows], dtype=np.int64)),
            "term_months": [deal.term for deal, _ in contract_rows],
            "payment_cadence_months": [deal.cadence for deal, _ in contract_rows],
            "replaces_contract_id": pa.array(
                [None if number is None else f"ctr_{number:05d}" for number in replaces_number], pa.string()
            ),
        },
    )
    p_count = len(purchase_rows)
    p_start = np.array([row[1] for row in purchase_rows], dtype=np.int64)
    p_cents = np.array([row[3] for row in purchase_rows], dtype=np.int64)
    p_days_ahead = np.where([row[5] for row in purchase_rows], rng.integers(2, 10, p_count), 0)
    p_created = np.maximum(
        _at(cal.start(p_start), p_days_ahead * -86_400 + 36_000),
        np.array([row[4] for row in purchase_rows], dtype="datetime64[s]") + np.timedelta64(3600, "s"),
    )
    p_dated = p_created.astype("datetime64[D]")
    p_status = np.where((p_start == last) & (rng.random(p_count) < 0.5), OPEN, PAID)
    p_paid = p_status == PAID
    purchase_first = ids.take("invoice", p_count)
    zeros = np.zeros(p_count, dtype=np.int64)
    out.write(
        "invoices",
        {
            "invoice_id": _invoice_ids(purchase_first + np.arange(p_count)),
            "billing_customer_id": _bc_ids([row[0] for row in purchase_rows]),
            "invoice_type": _labels(INVOICE_TYPES, zeros + 1),
            "status": _labels(STATUSES, p_status),
            "period_start": p_dated,
            "period_end": p_dated,
            "currency": _labels(("usd",), zeros),
            "subtotal_usd": _money(p_cents),
            "discount_usd": _money(zeros),
            "credit_applied_usd": _money(zeros),
            "tax_usd": _money(zeros),
            "total_usd": _money(p_cents),
            "amount_paid_usd": _money(np.where(p_paid, p_cents, 0)),
            "created_at": p_created,
            "due_on": p_created.astype("datetime64[D]") + np.timedelta64(30, "D"),
            "paid_at": np.where(
                p_paid, p_created + _seconds(rng.integers(3600, 12 * 86_400, p_count)), np.datetime64("NaT", "s")
            ),
        },
    )

    # Organizations and billing customers.
    out.write(
        "organizations",
        {
            "organization_id": _org_ids(c.org_num),
            "name": _ids("Company ", c.org_num, 6),
            "created_at": c.created_at,
            "region": _labels(REGIONS, c.region),
            "industry": _labels(INDUSTRIES, c.industry),
            "employee_count": pa.array(c.employees, mask=c.employees < 0),
        },
    )
    usage_side = np.nonzero(c.has_bc)[0]
    credits_side = np.nonzero(credits_buyer)[0]
    bc_org = np.concatenate([usage_side, credits_side])
    bc_num = np.concatenate([usage_bc[usage_side], credits_bc[credits_side]])
    bc_created = np.concatenate(
        [
            c.bc_created_at[usage_side],
            credits_bc_created[credits_side],
        ]
    )
    startup = np.concatenate([c.startup_credit[usage_side], np.zeros(len(credits_side), dtype=np.int64)])
    expires = np.concatenate(
        [c.startup_expires[usage_side], np.full(len(credits_side), np.datetime64("NaT"), "datetime64[D]")]
    )
    by_number = np.argsort(bc_num)
    bc_org, bc_num, bc_created, startup, expires = (
        bc_org[by_number],
        bc_num[by_number],
        bc_created[by_number],
        startup[by_number],
        expires[by_number],
    )
    out.write(
        "billing_customers",
        {
            "billing_customer_id": _bc_ids(bc_num),
            "organization_id": _org_ids(c.org_num[bc_org]),
            "created_at": bc_created,
            "email": pc.binary_join_element_wise(_ids("user", bc_num, 1), "@example.com", ""),
            "region": _labels(REGIONS, c.region[bc_org]),
            "is_startup_plan": startup > 0,
            "startup_credit_usd": _money(startup, valid=startup > 0),
            "startup_credit_expires_on": expires,
        },
    )

    # Subscriptions: one per billing customer with invoices; canceled when the customer left.
    canceled_at = np.full(len(bc_num), np.datetime64("NaT"), dtype="datetime64[s]")
    is_credits_side = bc_num == credits_bc[bc_org]
    usage_cancel = _cancel_at(c, cal, rng)
    canceled_at[~is_credits_side] = usage_cancel[bc_org[~is_credits_side]]
    ended = contract_ended[bc_org] <= last
    canceled_at = np.where(
        is_credits_side & ended,
        _at(cal.start(np.minimum(contract_ended[bc_org], last)), np.full(len(bc_num), -3600)),
        canceled_at,
    )
    with_invoices = bc_has_invoice[bc_num - bc_first]
    sub_num = bc_num[with_invoices]
    sub_first = ids.take("sub", len(sub_num))
    sub_canceled = canceled_at[with_invoices]
    out.write(
        "subscriptions",
        {
            "subscription_id": _ids("sub_", sub_first + np.arange(len(sub_num)), 6),
            "billing_customer_id": _bc_ids(sub_num),
            "status": pa.array(np.where(np.isnat(sub_canceled), "active", "canceled"), pa.string()),
            "started_at": bc_created[with_invoices],
            "canceled_at": sub_canceled,
        },
    )

    # Consolidations and trials.
    out.write(
        "organization_consolidations",
        {
            "organization_id": _org_ids([c.org_num[row[0]] for row in c.consolidations]),
            "parent_organization_id": _org_ids([c.org_num[row[1]] for row in c.consolidations]),
            "effective_month": cal.start(np.array([row[2] for row in c.consolidations], dtype=np.int64)),
            "reason": _labels(CONSOLIDATION_REASONS, np.array([row[3] for row in c.consolidations], np.int64)),
        },
    )
    out.write(
        "trials",
        {
            "organization_id": _org_ids([c.org_num[row[0]] for row in c.trials]),
            "start_month": cal.start(np.array([row[1] for row in c.trials], dtype=np.int64)),
            "end_month": [None if row[2] is None else cal.day(row[2]) for row in c.trials],
            "note": [row[3] for row in c.trials],
        },
    )

    # Candidates for TAM books: paying in the last two months, not rolled into another organization.
    children = np.zeros(n, dtype=bool)
    children[[row[0] for row in c.consolidations]] = True
    window_billed = usage_invoice[:, hist:]
    eligible = window_billed[:, last] & window_billed[:, last - 1] & ~children & (total[:, hist:].sum(1) > 0)
    score = net[:, -3:].mean(axis=1)
    return _Candidates(
        org_num=c.org_num[eligible],
        score=score[eligible],
        first_month=np.argmax(window_billed, axis=1)[eligible],
    )


def _first_contract_start_per_account(c: _Cohort, usage_bc: np.ndarray, credits_bc: np.ndarray) -> dict[int, int]:
    """The start month of the first contract whose credits are bought on each billing account."""
    first: dict[int, int] = {}
    for deal in c.contracts:
        buyer = int(usage_bc[deal.usage_org] if deal.cadence == 12 else credits_bc[deal.credits_org])
        first[buyer] = min(first.get(buyer, deal.start), deal.start)
    return first


def _cancel_at(c: _Cohort, cal: _Calendar, rng: np.random.Generator) -> np.ndarray:
    """When an organization's usage subscription was canceled: late in its last month with usage
    invoices, when that month is before the window's last month; NaT while it is a customer."""
    invoiced = c.billed | (c.zero_invoices[:, None] & c.active)
    any_month = invoiced.any(axis=1)
    last_col = c.billed.shape[1] - 1 - np.argmax(invoiced[:, ::-1], axis=1)
    left = any_month & (last_col < c.billed.shape[1] - 1)
    when = _at(cal.start(last_col - cal.history + 1), -rng.integers(86_400, 9 * 86_400, c.n))
    return np.where(left, when, np.datetime64("NaT", "s"))


# --------------------------------------------------------------------------------------------
# Scenario organizations: hand-written storylines, present at every size
# --------------------------------------------------------------------------------------------

_PA = {"product_analytics": 1.0}
_PA_SR = {"product_analytics": 0.6, "session_replay": 0.4}
_PA_SR_FF = {"product_analytics": 0.5, "session_replay": 0.3, "feature_flags": 0.2}
_MULTI = {
    "product_analytics": 0.45,
    "session_replay": 0.25,
    "feature_flags": 0.15,
    "error_tracking": 0.1,
    "group_analytics": 0.05,
}
_ENTERPRISE = {
    "product_analytics": 0.4,
    "session_replay": 0.2,
    "feature_flags": 0.1,
    "error_tracking": 0.1,
    "data_warehouse": 0.08,
    "surveys": 0.04,
    "llm_analytics": 0.04,
    "platform": 0.04,
}


@dataclass
class _Story:
    key: str
    kind: int = PAYG
    region: int = 0
    created: int = -12  # signup month (window index; negative = before the window)
    spans: list[tuple[int, int, float, float]] = field(default_factory=list)  # first, last, $, growth
    points: dict[int, float] = field(default_factory=dict)  # month -> $ (overrides the spans)
    shares: dict[str, float] = field(default_factory=lambda: dict(_PA))
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
    scripted_contracts: list[_ScriptedContract] = field(default_factory=list)  # quota: terms and replacements
    pay_delays: dict[int, int] = field(default_factory=dict)  # quota: month -> days from invoice to payment


@dataclass
class _Script:
    stories: list[_Story]
    consolidations: list[tuple[str, str, int, int]]  # child, parent, month, reason
    trials: list[tuple[str, int, int | None, str]]
    focus: dict[str, int]  # named months the sales tables use


def _renewals(last_start: int, amounts: list[tuple[float, int]], cadence: int) -> list[tuple[int, float, int, int]]:
    """Contracts every 12 months back from `last_start`: amounts[0] is the newest (credit $, discount bp)."""
    deals = []
    for back, (credit, discount_bp) in enumerate(amounts):
        start = last_start - 12 * back
        if start + 11 >= 0:
            deals.append((start, credit, discount_bp, cadence))
    return sorted(deals)


def _script(cal: _Calendar) -> _Script:
    last = cal.last
    q3 = cal.focus_quarter_end  # the newest complete quarter is q1 .. q3
    q1, q2 = q3 - 2, q3 - 1
    move = max(1, last - 10)  # EU -> US move
    chain_move = max(1, last - 12)

    def at(month: int) -> int:
        return max(0, month)

    stories = [
        # (1) free: usage inside the free tier, no billing customer; and one with $0 invoices.
        _Story("free_no_billing", FREE, created=-6, spans=[(0, last, 1, 0)], shares=_PA_SR),
        _Story(
            "free_zero_invoices",
            FREE,
            region=1,
            created=at(last - 10),
            spans=[(at(last - 10), last, 1, 0)],
            zero_invoices=True,
        ),
        # (2) pay as you go, taxed.
        _Story(
            "payg_taxed",
            created=-14,
            spans=[(0, last, 2000, 0.02)],
            shares=_MULTI,
            tax_bp=800,
            noise=0.03,
            employees=120,
        ),
        # (3) startup plan: credits run out; credits expire; still on credits.
        _Story(
            "startup_runs_out",
            STARTUP,
            created=at(last - 14),
            spans=[(at(last - 14), last, 2500, 0.12)],
            shares=_PA_SR_FF,
            tax_bp=1000,
            startup=(50_000, at(last - 14)),
            employees=15,
        ),
        _Story(
            "startup_expires",
            STARTUP,
            region=1,
            created=at(last - 15) - 1,
            spans=[(at(last - 15), last, 1000, 0.01)],
            shares=_PA_SR,
            tax_bp=2000,
            startup=(25_000, at(last - 15)),
            employees=8,
        ),
        _Story(
            "startup_current",
            STARTUP,
            created=last - 5,
            spans=[(last - 4, last, 3000, 0.05)],
            startup=(40_000, last - 4),
            employees=12,
        ),
        # (4) enterprise, yearly credit purchase: usage above its run rate (credits run out) and below.
        _Story(
            "yearly_above",
            YEARLY,
            created=-30,
            spans=[(0, last, 20_000, 0.005)],
            shares=_ENTERPRISE,
            noise=0.03,
            contracts=_renewals(last - 2, [(240_000, 2500), (180_000, 2000), (180_000, 2000)], 12),
            employees=2400,
        ),
        _Story(
            "yearly_below",
            YEARLY,
            region=1,
            created=-20,
            spans=[(0, last, 6000, 0.005)],
            shares=_ENTERPRISE,
            noise=0.03,
            contracts=_renewals(last - 10, [(120_000, 1000), (120_000, 1000)], 12),
            employees=600,
        ),
        # (5) enterprise, amortized: same organization (quarterly, semi-annual) and across organizations.
        _Story(
            "amortized_same_org",
            AMORTIZED,
            created=-28,
            spans=[(0, last, 7500, 0.01)],
            shares=_ENTERPRISE,
            noise=0.03,
            contracts=_renewals(last - 1, [(108_000, 1500), (96_000, 1500), (96_000, 1500)], 3),
            employees=900,
        ),
        _Story("amortized_parent", HOLDER, created=at(last - 9) - 1, employees=1500),
        _Story(
            "amortized_child",
            AMORTIZED,
            created=at(last - 9) - 1,
            spans=[(at(last - 9), last, 5000, 0.01)],
            shares=_ENTERPRISE,
            noise=0.02,
            contracts=[(at(last - 9), 60_000, 1000, 1)],
            credits_from="amortized_parent",
            employees=1500,
        ),
        _Story(
            "amortized_semiannual",
            AMORTIZED,
            created=-26,
            spans=[(0, last, 13_000, 0.0)],
            shares=_ENTERPRISE,
            noise=0.02,
            contracts=_renewals(last - 11, [(144_000, 3000), (144_000, 3000)], 6),
            employees=1800,
        ),
        # Consolidations: EU -> US move, same company, and a chain A -> B -> C.
        _Story(
            "eu_before_move",
            region=1,
            created=-18,
            spans=[(0, move - 1, 3000, 0.015)],
            shares=_PA_SR,
            tax_bp=2000,
            employees=70,
        ),
        _Story(
            "us_after_move", created=move, spans=[(move, last, 3000 * 1.015**move, 0.015)], shares=_PA_SR, employees=70
        ),
        _Story(
            "same_company_parent",
            created=-16,
            spans=[(0, last, 1800, 0.01)],
            shares=_PA_SR_FF,
            noise=0.03,
            coupons={m: 2000 for m in range(at(last - 12), at(last - 9))},
            employees=300,
        ),
        _Story(
            "same_company_child",
            created=at(last - 12) - 1,
            spans=[(at(last - 12), last, 700, 0.02)],
            shares=_PA_SR,
            noise=0.03,
            employees=300,
        ),
        _Story("chain_a", region=1, created=-8, spans=[(0, chain_move - 1, 900, 0.0)], noise=0.03, employees=50),
        _Story("chain_b", created=chain_move, spans=[(chain_move, last, 950, 0.01)], noise=0.03, employees=50),
        _Story("chain_c", created=-10, spans=[(0, last, 2500, 0.01)], shares=_MULTI, noise=0.03, employees=50),
        # Spikes: a spike, a spike on a small base, an increase below $1,000, a rise that stays, a big first bill.
        _Story(
            "spike",
            created=-12,
            spans=[(0, last, 2500, 0.0)],
            points={last - 5: 12_000, last - 4: 2400},
            shares=_PA_SR,
            noise=0.02,
            voids=(last - 8,),
            employees=200,
        ),
        _Story(
            "spike_small_base",
            created=-12,
            spans=[(0, last, 800, 0.0)],
            points={last - 9: 3600, last - 8: 850},
            shares=_PA_SR,
            noise=0.02,
            employees=25,
        ),
        _Story(
            "spike_below_threshold",
            created=-12,
            spans=[(0, last, 200, 0.0)],
            points={last - 7: 900, last - 6: 210},
            employees=5,
        ),
        _Story(
            "rise_and_stay",
            created=-12,
            spans=[(0, last - 8, 1500, 0.0), (last - 7, last, 6000, 0.005)],
            shares=_MULTI,
            noise=0.02,
            employees=150,
        ),
        _Story(
            "big_first_bill",
            created=last - 7,
            spans=[(last - 6, last, 14_000, 0.01)],
            points={last - 6: 15_000},
            shares=_MULTI,
            noise=0.02,
            employees=400,
        ),
        # One-time credits: qualifying (>= half of the prior month, next month recovers), qualifying below
        # half, qualifying without recovery, non-qualifying reasons (large), a first big bill.
        _Story(
            "credit_qualifying",
            created=-12,
            spans=[(0, last, 4000, 0.0)],
            points={last - 5: 4100},
            credits=[(last - 6, 3000, "Incident Credit")],
            employees=90,
        ),
        _Story(
            "credit_below_half",
            created=-12,
            spans=[(0, last, 4000, 0.0)],
            credits=[(last - 6, 1200, "Promo Credit")],
            employees=90,
        ),
        _Story(
            "credit_no_recovery",
            created=-12,
            spans=[(0, last - 6, 4000, 0.0), (last - 5, last, 2800, 0.0)],
            credits=[(last - 6, 2500, "Bug Credit")],
            employees=60,
        ),
        _Story(
            "credit_non_qualifying",
            created=-12,
            spans=[(0, last, 3000, 0.0)],
            points={last - 8: 9000},
            credits=[
                (last - 8, 6000, "Unwanted Spike"),
                (last - 5, 2500, "Trial Accommodation"),
                (last - 3, 2000, "Other"),
            ],
            shares=_PA_SR,
            employees=80,
        ),
        _Story(
            "first_big_bill_credit",
            created=last - 10,
            spans=[(last - 9, last, 2000, 0.0)],
            points={last - 9: 8000},
            credits=[(last - 9, 6000, "First Big Bill")],
            shares=_PA_SR,
            employees=30,
        ),
        # Refunds: a qualifying large one and a small one.
        _Story(
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
        _Story(
            "refund_small",
            created=-12,
            spans=[(0, last, 2000, 0.0)],
            shares=_PA_SR,
            noise=0.02,
            refunds=[(last - 4, "session_replay", 150, "Other")],
            employees=45,
        ),
        # Churn, reactivation, flat.
        _Story("churn_forever", created=-12, spans=[(0, last - 7, 600, 0.0)], tax_bp=1000, noise=0.03, employees=10),
        _Story(
            "reactivated",
            created=-12,
            spans=[(0, last - 10, 1200, 0.0), (last - 7, last, 1300, 0.0)],
            noise=0.03,
            statuses={last: DRAFT},
            employees=20,
        ),
        _Story(
            "flat",
            created=last - 13,
            spans=[(last - 12, last, 1500, 0.0)],
            shares={"product_analytics": 0.7, "platform": 0.3},
            employees=35,
        ),
        # Trials (flagged while paying).
        _Story("trial_ended", created=-12, spans=[(0, last, 2200, 0.0)], shares=_PA_SR, noise=0.03, employees=500),
        _Story(
            "trial_ongoing",
            region=1,
            created=last - 4,
            spans=[(last - 3, last, 3000, 0.0)],
            shares=_PA_SR,
            noise=0.03,
            employees=800,
        ),
        _Story(
            "uncollectible_churn",
            created=-12,
            spans=[(0, last - 4, 400, 0.0)],
            noise=0.03,
            statuses={last - 5: UNCOLLECTIBLE, last - 4: UNCOLLECTIBLE},
            employees=4,
        ),
        # Quota cases in the newest complete quarter (q1 .. q3).
        _Story("quota_new_last_month", created=q3 - 1, spans=[(q3, last, 3000, 0.03)], shares=_PA_SR, employees=60),
        _Story(
            "quota_new_second_month", created=q1 - 1, spans=[(q2, last, 2000, 0.03)], shares=_PA_SR_FF, employees=45
        ),
        _Story("quota_churned", created=-12, spans=[(0, q2, 2500, 0.005)], shares=_PA_SR, noise=0.02, employees=70),
        _Story(
            "quota_grace_churn",
            created=at(last - 13),
            spans=[(at(last - 12), q2, 1800, 0.0)],
            shares=_PA_SR,
            noise=0.02,
            employees=40,
        ),
        _Story(
            "quota_optimization",
            created=-12,
            spans=[(0, q1 - 1, 8000, 0.005), (q1, last, 4500, 0.0)],
            shares=_MULTI,
            noise=0.02,
            employees=700,
        ),
        _Story(
            "quota_unpaid_first",
            created=q1 - 1,
            spans=[(q1, last, 2200, 0.0)],
            shares=_PA_SR,
            statuses={q1: UNCOLLECTIBLE, q2: PAID, q3: OPEN, last: OPEN},
            employees=30,
        ),
        *_quota_contract_and_payment_stories(cal, q1, q2, q3),
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
    revenue_stories, revenue_consolidations, revenue_trials = _revenue_rule_scenarios(cal)
    stories += revenue_stories
    consolidations += revenue_consolidations
    trials += revenue_trials
    return _Script(stories, consolidations, trials, {"q1": q1, "q2": q2, "q3": q3, "move": move})


# --------------------------------------------------------------------------------------------
# Scenario organizations for the revenue rules that real billing data trips over
# --------------------------------------------------------------------------------------------


def _revenue_rule_scenarios(
    cal: _Calendar,
) -> tuple[list[_Story], list[tuple[str, str, int, int]], list[tuple[str, int, int | None, str]]]:
    """Storylines (appended after the others, so earlier organization ids stay put) for a trial on
    one team of a customer, a qualifying credit that causes no dip, a spike in a customer's second
    month and startup credits still applied after they expired. Credit purchases issued as one-off
    invoices, some dated before their contract starts, come from the billing engine (`_bill`)."""
    last = cal.last

    def at(month: int) -> int:
        return max(0, month)

    stories = [
        # A parent paying $10k a month whose new child team trials for $3k: only the team's revenue goes.
        _Story("trial_parent", created=-20, spans=[(0, last, 10_000, 0.0)], shares=_MULTI, employees=1200),
        _Story(
            "trial_child_team",
            created=at(last - 9) - 1,
            spans=[(at(last - 9), last, 3000, 0.0)],
            shares=_PA_SR,
            employees=1200,
        ),
        # A qualifying credit (600 >= half of 1,000) on a 3,000 bill: 2,400 is no dip, nothing to repair.
        _Story(
            "credit_dipless",
            created=-12,
            spans=[(0, last - 7, 1000, 0.0), (last - 5, last, 2500, 0.0)],
            points={last - 6: 3000},
            credits=[(last - 6, 600, "Promo Credit")],
            employees=30,
        ),
        # A new customer's second month spikes: 1,000 -> 3,100 -> 1,000 (judged against its first month).
        _Story("spike_second_month", created=last - 9, spans=[(last - 8, last, 1000, 0.0)], points={last - 7: 3100}),
        # $30k of startup credits at $1.5k a month: $12k are left when they expire and still get applied.
        _Story(
            "startup_credits_after_expiry",
            STARTUP,
            created=at(last - 17) - 1,
            spans=[(at(last - 17), last, 1500, 0.0)],
            shares=_PA_SR,
            startup=(30_000, at(last - 17)),
            startup_credits_outlive_expiry=True,
            employees=10,
        ),
    ]
    consolidations = [("trial_child_team", "trial_parent", at(last - 9), SAME_COMPANY)]
    trials = [("trial_child_team", last - 7, last - 5, "New team evaluating a self-hosted deployment")]
    return stories, consolidations, trials


def _story_path(story: _Story, cal: _Calendar, rng: np.random.Generator) -> np.ndarray:
    path = np.zeros(cal.months)
    for first, last, dollars, growth in story.spans:
        months = np.arange(max(first, 0), min(last, cal.last) + 1)
        path[months] = dollars * (1 + growth) ** (months - first)
    if story.noise:
        path *= rng.uniform(1 - story.noise, 1 + story.noise, cal.months)
    for month, dollars in story.points.items():
        path[month] = dollars
    return np.round(path, 2)


def _scenario_cohort(script: _Script, cal: _Calendar, rng: np.random.Generator, first_org: int) -> _Cohort:
    cat = _catalogue()
    stories = script.stories
    c = _empty_cohort(len(stories), cal, first_org)
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
        c.created_at[o] = _at(cal.start(story.created), 86_400 + int(rng.integers(0, 20 * 3600)))
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
        c.bc_created_at[o] = _at(cal.start(first), 4 * 86_400 + int(rng.integers(0, 20 * 3600)))
        for month, bp in story.coupons.items():
            c.coupon_bp[o, month + hist] = bp
        for month, code in story.statuses.items():
            c.status[o, month + hist] = code
        for month in story.voids:
            c.void[o, month + hist] = True
        for month, dollars, reason in story.credits:
            c.credits.append((o, month + hist, _cents(dollars), reason, _CREDIT_NOTES[reason]))
        for month, product, dollars, reason in story.refunds:
            c.refunds.append((o, month + hist, cat.index(product), _cents(dollars), 0.0, reason))
        if story.startup:
            credit, start = story.startup
            c.startup_credit[o] = _cents(credit)
            c.startup_expires[o] = cal.start(start + 12)
            c.pool_grant[o, start + hist] = _cents(credit)
            if start + 12 + hist < cal.span and not story.startup_credits_outlive_expiry:
                c.pool_reset[o, start + 12 + hist] = True
        buyer = index[story.credits_from] if story.credits_from else o
        for start, credit, discount_bp, cadence in story.contracts:
            c.contracts.append(_Contract(o, buyer, start, _cents(credit), discount_bp, cadence))
        _add_quota_contracts_and_payment_delays(c, o, buyer, story, hist)
    c.consolidations = [
        (index[child], index[parent], month, reason) for child, parent, month, reason in script.consolidations
    ]
    c.trials = [(index[key], start, end, note) for key, start, end, note in script.trials]
    return c


# --------------------------------------------------------------------------------------------
# Quota scenarios: contract changes on flat usage, late and missed payments (TAM quota rules)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ScriptedContract:
    """A story's credit contract with its own term and, for an early renewal, the contract it replaces."""

    start: int  # window month
    credit: float  # credit value, $
    discount_bp: int
    cadence: int = 12
    term: int = 12
    replaces: int | None = None  # index in the story's scripted_contracts


def _quota_contract_and_payment_stories(cal: _Calendar, q1: int, q2: int, q3: int) -> list[_Story]:
    """Accounts whose quota attainment must come out like for like, around the newest complete
    quarter q1 .. q3: contract changes on flat usage (attainment 0), a quarter paid late (held back,
    then paid in the quarter of the payment), a first invoice never paid (commission once two others
    are paid), and a mid-quarter hand-over."""
    last = cal.last
    flat = [(0, last, 20_000, 0.0)]  # $20k a month, exactly: only contracts change
    return [
        _Story(  # a monthly customer signs a $120k credit (run rate $10k) in the quarter's second month
            "quota_conversion",
            created=-14,
            spans=flat,
            shares=_PA_SR,
            scripted_contracts=[_ScriptedContract(q2, 120_000, 2000)],
            employees=350,
        ),
        _Story(  # the contract ends with the previous quarter and is not renewed
            "quota_non_renewal",
            created=-14,
            spans=flat,
            shares=_PA_SR,
            scripted_contracts=[_ScriptedContract(q1 - 12, 120_000, 2000)],
            employees=320,
        ),
        _Story(  # renewed at the quarter's start for more credits ($10k -> $15k a month)
            "quota_upsized_renewal",
            created=-14,
            spans=flat,
            shares=_PA_SR,
            scripted_contracts=[_ScriptedContract(q1 - 12, 120_000, 2000), _ScriptedContract(q1, 180_000, 2500)],
            employees=380,
        ),
        _Story(  # a co-terminus expansion order form adds $5k a month for the original's last six months
            "quota_coterminus_expansion",
            created=-14,
            spans=flat,
            shares=_PA_SR,
            scripted_contracts=[
                _ScriptedContract(q2 - 6, 120_000, 2000),
                _ScriptedContract(q2, 30_000, 2000, cadence=6, term=6),
            ],
            employees=410,
        ),
        _Story(  # renewed three months early: the renewal replaces the running contract
            "quota_early_renewal",
            created=-14,
            spans=flat,
            shares=_PA_SR,
            scripted_contracts=[
                _ScriptedContract(q1 - 9, 120_000, 2000),
                _ScriptedContract(q2, 144_000, 2000, replaces=0),
            ],
            employees=450,
        ),
        _Story(  # handed from one TAM to another in the middle of the quarter
            "quota_handover", created=-14, spans=[(0, last, 3500, 0.01)], shares=_PA_SR, employees=90
        ),
        _Story(  # growing; the previous quarter's last invoice is paid on the 26th of the next month
            "quota_late_payment",
            created=-14,
            spans=[(0, last, 2500, 0.03)],
            shares=_PA_SR,
            pay_delays={q1 - 1: 25},
            employees=75,
        ),
        _Story(  # the first invoice is never paid, the later ones are
            "quota_unpaid_first_then_paid",
            created=q1 - 4,
            spans=[(q1 - 3, last, 1500, 0.04)],
            shares=_PA_SR,
            statuses={q1 - 3: UNCOLLECTIBLE, q1: PAID, q2: PAID, q3: PAID},
            employees=25,
        ),
    ]


def _add_quota_contracts_and_payment_delays(c: _Cohort, o: int, buyer: int, story: _Story, hist: int) -> None:
    made: list[_Contract] = []
    for scripted in story.scripted_contracts:
        replaces = made[scripted.replaces] if scripted.replaces is not None else None
        made.append(
            _Contract(
                o,
                buyer,
                scripted.start,
                _cents(scripted.credit),
                scripted.discount_bp,
                scripted.cadence,
                scripted.term,
                replaces,
            )
        )
    c.contracts.extend(made)
    for month, days in story.pay_delays.items():
        c.pay_delay_days[o, month + hist] = days


def _assign_quota_scenarios(scripted: Callable[..., None], cal: _Calendar, focus: dict[str, int]) -> None:
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


# --------------------------------------------------------------------------------------------
# The randomized population, one chunk at a time
# --------------------------------------------------------------------------------------------

_SIGNUP_HISTORY = 72  # signups start this many months before the window
_SIGNUP_GROWTH = 0.015  # monthly growth of signups
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


def _population(cal: _Calendar, rng: np.random.Generator, n: int, first_org: int) -> _Cohort:
    cat = _catalogue()
    c = _empty_cohort(n, cal, first_org)
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
    free_products = np.isin(np.array(cat.keys), _FREE_PRODUCTS)
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
    c.created_at = _at(cal.start(signup), rng.integers(0, 10 * 86_400, n))
    bc_from = np.where(kind == FREE, signup, np.minimum(first, 10**4))
    c.bc_created_at = np.maximum(
        c.created_at + np.timedelta64(3600, "s"), _at(cal.start(bc_from), rng.integers(0, 10 * 86_400, n))
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
                c.contracts.append(_Contract(int(o), int(o), start, credit_usd * 100, discount_bp, cadence))
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
        c.created_at[us_org] = _at(cal.start(move[eu_org]), -int(rng.integers(2, 9)) * 86_400)
        c.bc_created_at[us_org] = _at(cal.start(move[eu_org]), 3600 * int(rng.integers(8, 20)))
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
        note = _CREDIT_NOTES.get(reason) if org % 5 else None
        c.credits.append((org, col, int(cents * part), reason, note))
    refund_org, refund_col = np.nonzero(payg_month & (rng.random((n, span)) < 0.002))
    refund_reason = rng.choice(len(reasons), len(refund_org), p=reason_weights)
    refund_share = rng.uniform(0.1, 0.9, len(refund_org))
    for org, col, code, part in zip(
        refund_org.tolist(), refund_col.tolist(), refund_reason.tolist(), refund_share.tolist(), strict=True
    ):
        c.refunds.append((org, col, -1, -1, part, reasons[code]))
    return c


# --------------------------------------------------------------------------------------------
# The sales team: reps, books of business, quotas, optimizations, opportunities
# --------------------------------------------------------------------------------------------

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


def _quarters(cal: _Calendar) -> list[tuple[str, date, date]]:
    found = []
    month = -int((cal.month_of_year(0) - 1) % 3)
    while month <= cal.last:
        found.append((cal.quarter_name(month), cal.day(month), cal.day(month + 3) - timedelta(days=1)))
        month += 3
    return found


def _quarter_start(cal: _Calendar, month: int) -> date:
    return cal.day(month - int((cal.month_of_year(month) - 1) % 3))


def _reps(cal: _Calendar, focus: dict[str, int]) -> list[_Rep]:
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


def _first_month(story: _Story, script: _Script) -> int:
    if story.spans:
        return max(0, min(first for first, *_ in story.spans))
    children = [s for s in script.stories if s.credits_from == story.key]
    return _first_month(children[0], script) if children else max(0, story.created)


def _sales(cal: _Calendar, rng: np.random.Generator, script: _Script, candidates: _Candidates, out: _Output) -> None:
    focus, last = script.focus, cal.last
    q1, q3, move = focus["q1"], focus["q3"], focus["move"]
    reps = _reps(cal, focus)
    rep = {r.owner_id: r for r in reps}
    org = {story.key: f"org_{position + 1:06d}" for position, story in enumerate(script.stories)}
    first = {story.key: _first_month(story, script) for story in script.stories}
    day = timedelta(days=1)

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
                "ote_usd": _decimal(r.ote_usd * 100),
                "region": r.region,
                "team_lead_since": r.lead_since,
            }
            for r in reps
        ],
    )

    quarters = _quarters(cal)
    first_year = quarters[0][1].year
    out.write_rows(
        "quotas",
        [
            {
                "owner_id": r.owner_id,
                "quarter": name,
                "quota_usd": _decimal(round(r.quota_usd * (1 + 0.1 * (begin.year - first_year)), -3) * 100),
            }
            for r in reps
            if r.role == "TAM"
            for name, begin, end in quarters
            if end >= r.start and (r.end is None or begin <= r.end)
        ],
    )

    # Books: the scripted accounts first, then the largest paying population accounts.
    rows: list[dict[str, object]] = []
    held: dict[str, set[str]] = {r.owner_id: set() for r in reps}

    def book_start(owner: str, month: int) -> date:
        return max(rep[owner].start, _quarter_start(cal, max(0, month)))

    def assign(org_id: str, owner: str, start: date, end: date | None = None, segment: str = AM_MANAGED) -> None:
        rows.append(
            {"organization_id": org_id, "owner_id": owner, "start_date": start, "segment": segment, "end_date": end}
        )
        if segment == AM_MANAGED and (end is None or rep[owner].end is not None):
            held[owner].add(org_id)  # capacity counts current accounts (all of a departed rep's)

    def scripted(key: str, owner: str, start: date | None = None, end: date | None = None, segment: str = AM_MANAGED):
        assign(org[key], owner, start or book_start(owner, first[key]), end, segment)

    for key, owner in (
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
    ):
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
    _assign_quota_scenarios(scripted, cal, focus)

    owners = [r.owner_id for r in reps if r.role == "TAM"]
    taken = {row["organization_id"] for row in rows}
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
            if len(held[owner]) >= rep[owner].book or (departed and book_start(owner, month) > rep[owner].end):
                continue
            if departed:  # handed over to rep_10 when the rep left
                assign(org_id, owner, book_start(owner, month), rep[owner].end)
                assign(org_id, "rep_10", rep[owner].end + day)
            elif owner == "rep_08" and handed_to_ramping < 3 and month <= q1 - 2:
                assign(org_id, "rep_10", book_start("rep_10", month), ramping_start - day)
                assign(org_id, owner, ramping_start)
                handed_to_ramping += 1
            elif owner in ("rep_08", "rep_11"):
                assign(org_id, owner, max(rep[owner].start, _quarter_start(cal, max(0, month))))
            else:
                assign(org_id, owner, book_start(owner, month))
            taken.add(org_id)
            break
    rows.sort(key=lambda row: (row["organization_id"], row["start_date"], row["owner_id"]))
    out.write_rows("account_owners", rows)

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
                "expected_mrr_usd": _decimal(None if mrr is None else mrr * 100),
                "created_on": cal.day(created, int(rng.integers(0, 20))),
                "closed_on": None if closed is None else cal.day(closed, int(rng.integers(0, 20))),
                "lost_reason": lost,
            }
            for position, (key, owner, product, record_type, stage, mrr, created, closed, lost) in enumerate(
                opportunities
            )
        ],
    )


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _stream(seed: int, key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


def generate(
    out_dir: Path,
    customers: int,
    months: int,
    seed: int,
    end_month: date = date(2026, 10, 1),
    file_format: str = "csv",
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Write a synthetic input directory and return the number of rows written per table.

    `customers` organizations in all (at least the scenario organizations), with usage over
    `months` months ending with `end_month` (a first day of a month). Same arguments, same bytes.
    """
    problems = []
    if not isinstance(customers, int) or customers < 1:
        problems.append(f"customers must be a positive whole number, not {customers!r}")
    if not isinstance(months, int) or months < MIN_MONTHS:
        problems.append(f"months must be a whole number of at least {MIN_MONTHS}, not {months!r}")
    if not isinstance(seed, int) or seed < 0:
        problems.append(f"seed must be a non-negative whole number, not {seed!r}")
    if not isinstance(end_month, date) or isinstance(end_month, datetime) or end_month.day != 1:
        problems.append(f"end_month must be the first day of a month, not {end_month!r}")
    if file_format not in FILE_FORMATS:
        problems.append(f"file_format must be one of {', '.join(FILE_FORMATS)}, not {file_format!r}")
    if problems:
        raise RevopsError(problems)
    report = progress or (lambda message: None)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cal = _Calendar(months, end_month)
    ids = _Counters()
    out = _Output(out_dir, file_format)
    try:
        script = _script(cal)
        rng = _stream(seed, 0)
        cohort = _scenario_cohort(script, cal, rng, ids.take("org", len(script.stories)))
        _bill(cohort, cal, rng, ids, out)
        report(f"{len(script.stories)} scenario organizations")
        population = max(0, customers - len(script.stories))
        candidates = _Candidates.merge([], 0)
        for chunk, offset in enumerate(range(0, population, CHUNK_ORGANIZATIONS)):
            size = min(CHUNK_ORGANIZATIONS, population - offset)
            rng = _stream(seed, 2 + chunk)
            cohort = _population(cal, rng, size, ids.take("org", size))
            found = _bill(cohort, cal, rng, ids, out)
            candidates = _Candidates.merge([candidates, found], 200)
            report(f"{offset + size:,} of {population:,} population organizations")
        _sales(cal, _stream(seed, 1), script, candidates, out)
        out.close()
    except BaseException:
        out.abort()
        raise
    report(f"wrote {sum(out.rows.values()):,} rows to {out_dir}")
    return dict(out.rows)
