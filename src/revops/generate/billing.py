"""The billing engine: turns a cohort's monthly list amounts into the billing export (invoices, line
items, usage, credits, refunds, contracts with their credit purchases, billing customers,
subscriptions), with every identity exact to the cent, and the CRM's organizations, consolidations
and trials. Each step writes its tables and hands what later steps need to the next."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revops.generate.calendar import Calendar, seconds, timestamp_at
from revops.generate.cohort import (
    CONSOLIDATION_REASONS,
    CURRENCIES,
    DRAFT,
    INDUSTRIES,
    INVOICE_TYPES,
    OPEN,
    PAID,
    REGIONS,
    STATUSES,
    UNCOLLECTIBLE,
    VOID,
    Candidates,
    Cohort,
    catalogue,
)
from revops.generate.output import Counters, Output, bc_ids, invoice_ids, labels, money, org_ids, text_ids

MIN_LINE_CENTS = 50  # a product below $0.50 in a month stays inside its free tier


@dataclass
class _Charges:
    """What each organization-month is billed, in cents: [n, span] and per product [n, span, P]."""

    charged: np.ndarray  # [n, span, P] a line is billed
    units: np.ndarray  # [n, span, P] usage units (billed, or inside the free tier)
    amount: np.ndarray  # [n, span, P] line amount before coupons
    line_discount: np.ndarray  # [n, span, P]
    subtotal: np.ndarray
    discount: np.ndarray
    net: np.ndarray  # after coupons
    usage_invoice: np.ndarray  # a usage invoice with a positive subtotal
    zero_invoice: np.ndarray  # a free organization's $0 invoice
    credit_rows: list[tuple[int, int, int, str, str | None]]  # one-time credits applied
    credit_applied: np.ndarray
    tax: np.ndarray
    total: np.ndarray

    @property
    def has_invoice(self) -> np.ndarray:
        return self.usage_invoice | self.zero_invoice


@dataclass
class _Accounts:
    """Billing customer numbers: a usage one per organization that has one, a credits one per amortized buyer."""

    usage_bc: np.ndarray  # -1 = none
    credits_bc: np.ndarray  # -1 = none
    credits_buyer: np.ndarray
    credits_bc_created: np.ndarray
    bc_first: int
    bc_has_invoice: np.ndarray  # by bc number - bc_first


@dataclass
class _UsageInvoices:
    """The window's usage invoices (one per organization-month, before voided copies) and their numbers."""

    org: np.ndarray
    month: np.ndarray  # window month
    status: np.ndarray
    copies: np.ndarray  # 2 where a voided first copy was replaced
    group_start: np.ndarray
    first: int  # number of the first invoice id
    slot: np.ndarray  # [n, months] index of the organization-month's invoice, -1 = none
    paid_at: np.ndarray  # per copy


def bill(c: Cohort, cal: Calendar, rng: np.random.Generator, ids: Counters, out: Output) -> Candidates:
    """Write the cohort's organizations, billing customers, invoices, lines, usage, credits, refunds,
    contracts, subscriptions, consolidations and trials; return the candidates for TAM books."""
    if (c.billed & ~c.has_bc[:, None]).any() or (c.zero_invoices & ~c.has_bc).any():
        raise AssertionError("an organization is invoiced without a billing customer")
    charges = _charges(c, cal, rng)
    accounts = _accounts(c, cal, ids)
    invoices = _write_usage_invoices(c, cal, rng, ids, out, charges, accounts)
    _write_line_items(c, cal, ids, out, charges, invoices)
    _write_usage(c, cal, out, charges)
    _write_credits(c, cal, rng, ids, out, charges, accounts)
    _write_refunds(c, cal, rng, ids, out, charges, invoices)
    contract_ended = _write_contracts_and_credit_purchases(c, cal, rng, ids, out, accounts)
    bc_created = _write_organizations_and_billing_customers(c, cal, out, accounts)
    _write_subscriptions(c, cal, rng, ids, out, accounts, contract_ended, bc_created)
    _write_consolidations_and_trials(c, cal, out)
    return _candidates(c, cal, charges)


def _charges(c: Cohort, cal: Calendar, rng: np.random.Generator) -> _Charges:
    """Line amounts from usage units (the free tier on top of the billable units), coupons, one-time
    credits, credit pools and tax."""
    cat = catalogue()
    charged = c.billed[:, :, None] & (c.target >= MIN_LINE_CENTS)
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
    one_time, credit_rows = _one_time_credits(c, cal, has_invoice, net)
    credit_applied = one_time + _credit_pools_used(c, cal, has_invoice, net - one_time)
    taxable = net - credit_applied
    tax = (taxable * c.tax_bp[:, None] * 2 + 10_000) // 20_000
    return _Charges(
        charged=charged,
        units=units,
        amount=amount,
        line_discount=line_discount,
        subtotal=subtotal,
        discount=discount,
        net=net,
        usage_invoice=usage_invoice,
        zero_invoice=zero_invoice,
        credit_rows=credit_rows,
        credit_applied=credit_applied,
        tax=tax,
        total=taxable + tax,
    )


def _one_time_credits(
    c: Cohort, cal: Calendar, has_invoice: np.ndarray, net: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, int, int, str, str | None]]]:
    """One-time credits, applied in full on the month's invoice (at most its amount after coupons)."""
    one_time = np.zeros((c.n, cal.span), dtype=np.int64)
    credit_rows = []
    for org, col, cents, reason, note in c.credits:
        if has_invoice[org, col] and one_time[org, col] == 0 and col >= cal.history:
            applied = min(int(cents), int(net[org, col]))
            if applied > 0:
                one_time[org, col] = applied
                credit_rows.append((org, col, applied, reason, note))
    return one_time, credit_rows


def _credit_pools_used(c: Cohort, cal: Calendar, has_invoice: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Startup credits and contract credits, used month by month until they run out."""
    span, hist = cal.span, cal.history
    grant = c.pool_grant.copy()
    reset = c.pool_reset.copy()
    replaced = {id(deal.replaces) for deal in c.contracts if deal.replaces is not None}
    for deal in c.contracts:
        col = deal.start + hist
        reset[deal.usage_org, col] = True
        grant[deal.usage_org, col] = deal.credit_cents
        if col + deal.term < span and id(deal) not in replaced:  # a renewal's credits outlive what it replaced
            reset[deal.usage_org, col + deal.term] = True
    pool_used = np.zeros((c.n, span), dtype=np.int64)
    balance = np.zeros(c.n, dtype=np.int64)
    for col in range(span):
        balance[reset[:, col]] = 0
        balance = np.where(grant[:, col] >= 0, grant[:, col], balance)
        used_now = np.where(has_invoice[:, col], np.minimum(balance, room[:, col]), 0)
        pool_used[:, col] = used_now
        balance -= used_now
    return pool_used


def _accounts(c: Cohort, cal: Calendar, ids: Counters) -> _Accounts:
    n = c.n
    credits_buyer = np.zeros(n, dtype=bool)
    first_amortized = np.full(n, 10**6, dtype=np.int64)
    for deal in c.contracts:
        if deal.cadence < 12:
            credits_buyer[deal.credits_org] = True
            first_amortized[deal.credits_org] = min(first_amortized[deal.credits_org], deal.start)
    credits_bc_created = np.maximum(
        c.created_at + np.timedelta64(3600, "s"),
        timestamp_at(cal.start(np.minimum(first_amortized, 10**4)), np.full(n, -10 * 86_400 + 50_000)),
    )
    per_org = c.has_bc.astype(np.int64) + credits_buyer
    bc_first = ids.take("bc", per_org.sum())
    bc_offset = np.cumsum(per_org) - per_org
    return _Accounts(
        usage_bc=np.where(c.has_bc, bc_first + bc_offset, -1),
        credits_bc=np.where(credits_buyer, bc_first + bc_offset + c.has_bc, -1),
        credits_buyer=credits_buyer,
        credits_bc_created=credits_bc_created,
        bc_first=bc_first,
        bc_has_invoice=np.zeros(int(per_org.sum()), dtype=bool),
    )


def _usage_invoice_statuses(c: Cohort, cal: Calendar, rng: np.random.Generator, charges: _Charges):
    """(organization, window month, status) of every usage invoice: the newest months are still open or
    draft, a few older ones uncollectible, forced statuses as scripted; $0 invoices are paid."""
    hist, last = cal.history, cal.last
    inv_org, inv_month = np.nonzero(charges.has_invoice[:, hist:])
    inv_col = inv_month + hist
    draw = rng.random(len(inv_org))
    status = np.full(len(inv_org), PAID, dtype=np.int64)
    newest = inv_month == last
    before = inv_month == last - 1
    status[newest & (draw < 0.55)] = OPEN
    status[newest & (draw < c.draft_rate)] = DRAFT
    status[before & (draw < 0.08)] = OPEN
    risk = np.where(inv_col == c.risk_month[inv_org], 0.6, c.p_uncollectible[inv_org])
    status[(inv_month < last - 1) & (draw < risk)] = UNCOLLECTIBLE
    status[(charges.total[inv_org, inv_col] == 0) & (status != DRAFT)] = PAID
    forced = c.status[inv_org, inv_col]
    return inv_org, inv_month, np.where(forced >= 0, forced, status)


def _write_usage_invoices(
    c: Cohort,
    cal: Calendar,
    rng: np.random.Generator,
    ids: Counters,
    out: Output,
    charges: _Charges,
    accounts: _Accounts,
) -> _UsageInvoices:
    """Usage invoices of the window, with a voided first copy where one was replaced."""
    hist = cal.history
    inv_org, inv_month, status = _usage_invoice_statuses(c, cal, rng, charges)
    inv_col, count = inv_month + hist, len(inv_org)
    newest = inv_month == cal.last
    voided = c.void[inv_org, inv_col] & (status == PAID) & ~newest
    copies = 1 + voided.astype(np.int64)
    group_start = np.cumsum(copies) - copies
    inv_first = ids.take("invoice", copies.sum())
    rep = np.repeat(np.arange(count), copies)
    position = np.arange(len(rep)) - group_start[rep]
    created = timestamp_at(cal.start(inv_month + 1), rng.integers(0, 6 * 3600, count))[rep]
    created += seconds(np.where(voided[rep] & (position == 1), 2 * 86_400 + rng.integers(0, 9 * 3600, len(rep)), 0))
    copy_status = np.where(voided[rep] & (position == 0), VOID, status[rep])
    delay = np.where(newest[rep], rng.integers(600, 2 * 86_400, len(rep)), rng.integers(600, 10 * 86_400, len(rep)))
    delay = np.where(charges.total[inv_org, inv_col][rep] == 0, 0, delay)
    forced_delay = c.pay_delay_days[inv_org, inv_col][rep]
    delay = np.where(forced_delay >= 0, forced_delay * 86_400 + 36_000, delay)
    paid = copy_status == PAID
    paid_at = np.where(paid, created + seconds(delay), np.datetime64("NaT", "s"))
    r_org, r_col = inv_org[rep], inv_col[rep]
    accounts.bc_has_invoice[accounts.usage_bc[inv_org] - accounts.bc_first] = True
    zeros = np.zeros(len(rep), dtype=np.int64)
    out.write(
        "invoices",
        {
            "invoice_id": invoice_ids(inv_first + np.arange(len(rep))),
            "billing_customer_id": bc_ids(accounts.usage_bc[r_org]),
            "invoice_type": labels(INVOICE_TYPES, zeros),
            "status": labels(STATUSES, copy_status),
            "period_start": cal.start(r_col - hist),
            "period_end": cal.end(r_col - hist),
            "currency": labels(CURRENCIES, c.currency[r_org]),
            "subtotal_usd": money(charges.subtotal[r_org, r_col]),
            "discount_usd": money(charges.discount[r_org, r_col]),
            "credit_applied_usd": money(charges.credit_applied[r_org, r_col]),
            "tax_usd": money(charges.tax[r_org, r_col]),
            "total_usd": money(charges.total[r_org, r_col]),
            "amount_paid_usd": money(np.where(paid, charges.total[r_org, r_col], 0)),
            "created_at": created,
            "due_on": created.astype("datetime64[D]") + np.timedelta64(14, "D"),
            "paid_at": paid_at,
        },
    )
    slot = np.full((c.n, cal.months), -1, dtype=np.int64)
    slot[inv_org, inv_month] = np.arange(count)
    return _UsageInvoices(inv_org, inv_month, status, copies, group_start, inv_first, slot, paid_at)


def _write_line_items(
    c: Cohort, cal: Calendar, ids: Counters, out: Output, charges: _Charges, invoices: _UsageInvoices
) -> None:
    """One line per product billed (all products used on a free organization's $0 invoice), on every copy."""
    hist = cal.history
    window_units = charges.units[:, hist:, :]
    line_mask = charges.charged[:, hist:, :] | (charges.zero_invoice[:, hist:, None] & (window_units > 0))
    l_org, l_month, l_prod = np.nonzero(line_mask)
    l_inv = invoices.slot[l_org, l_month]
    l_copies = invoices.copies[l_inv]
    l_rep = np.repeat(np.arange(len(l_org)), l_copies)
    l_position = np.arange(len(l_rep)) - (np.cumsum(l_copies) - l_copies)[l_rep]
    l_number = invoices.first + invoices.group_start[l_inv[l_rep]] + l_position
    order = np.argsort(l_number, kind="stable")
    l_rep, l_number = l_rep[order], l_number[order]
    lo, lc, lp = l_org[l_rep], l_month[l_rep] + hist, l_prod[l_rep]
    line_first = ids.take("line", len(l_rep))
    out.write(
        "invoice_line_items",
        {
            "line_item_id": text_ids("li_", line_first + np.arange(len(l_rep)), 8),
            "invoice_id": invoice_ids(l_number),
            "product_key": labels(catalogue().keys, lp),
            "quantity": charges.units[lo, lc, lp],
            "amount_usd": money(charges.amount[lo, lc, lp]),
            "discount_usd": money(charges.line_discount[lo, lc, lp]),
        },
    )


def _write_usage(c: Cohort, cal: Calendar, out: Output, charges: _Charges) -> None:
    """Every product an organization used in a window month."""
    window_units = charges.units[:, cal.history :, :]
    u_org, u_month, u_prod = np.nonzero(window_units > 0)
    out.write(
        "usage",
        {
            "organization_id": org_ids(c.org_num[u_org]),
            "product_key": labels(catalogue().keys, u_prod),
            "usage_month": cal.start(u_month),
            "units": window_units[u_org, u_month, u_prod],
        },
    )


def _write_credits(
    c: Cohort,
    cal: Calendar,
    rng: np.random.Generator,
    ids: Counters,
    out: Output,
    charges: _Charges,
    accounts: _Accounts,
) -> None:
    """One-time credits as granted (the amount applied on the month's invoice)."""
    rows = charges.credit_rows
    credit_first = ids.take("credit", len(rows))
    cr_org = np.array([row[0] for row in rows], dtype=np.int64)
    cr_month = np.array([row[1] for row in rows], dtype=np.int64) - cal.history
    out.write(
        "credits",
        {
            "credit_id": text_ids("cr_", credit_first + np.arange(len(rows)), 6),
            "billing_customer_id": bc_ids(accounts.usage_bc[cr_org]),
            "amount_usd": money(np.array([row[2] for row in rows], dtype=np.int64)),
            "reason": pa.array([row[3] for row in rows], pa.string()),
            "applies_to_month": cal.start(cr_month),
            "created_at": timestamp_at(cal.start(cr_month), rng.integers(8, 26, len(rows)) * 86_400 + 36_000),
            "note": pa.array([row[4] for row in rows], pa.string()),
        },
    )


def _write_refunds(
    c: Cohort,
    cal: Calendar,
    rng: np.random.Generator,
    ids: Counters,
    out: Output,
    charges: _Charges,
    invoices: _UsageInvoices,
) -> None:
    """Refunds against a paid usage invoice without credits, at most the product line after coupons."""
    hist = cal.history
    refund_rows = []
    last_copy = invoices.group_start + invoices.copies - 1
    for org, col, product, cents, fraction, reason in c.refunds:
        if col < hist or invoices.slot[org, col - hist] < 0:
            continue
        base = invoices.slot[org, col - hist]
        if invoices.status[base] != PAID or charges.credit_applied[org, col] > 0:
            continue
        product = int(np.argmax(charges.amount[org, col])) if product < 0 else product
        line_net = int(charges.amount[org, col, product] - charges.line_discount[org, col, product])
        value = min(int(cents) if cents >= 0 else int(fraction * line_net), line_net)
        if value > 0:
            paid_at = invoices.paid_at[last_copy[base]]
            refund_rows.append((invoices.first + last_copy[base], product, value, reason, paid_at))
    refund_first = ids.take("refund", len(refund_rows))
    refund_paid = np.array([row[4] for row in refund_rows], dtype="datetime64[s]")
    out.write(
        "refunds",
        {
            "refund_id": text_ids("rf_", refund_first + np.arange(len(refund_rows)), 6),
            "invoice_id": invoice_ids(np.array([row[0] for row in refund_rows], dtype=np.int64)),
            "product_key": labels(catalogue().keys, np.array([row[1] for row in refund_rows], dtype=np.int64)),
            "amount_usd": money(np.array([row[2] for row in refund_rows], dtype=np.int64)),
            "reason": pa.array([row[3] for row in refund_rows], pa.string()),
            "created_at": refund_paid + seconds(rng.integers(3 * 86_400, 20 * 86_400, len(refund_rows))),
        },
    )


def _contracts_and_purchases(c: Cohort, cal: Calendar, accounts: _Accounts):
    """The contracts still running in the window, each with its buying account, and their credit purchases:
    (account, first month, last month, cents, account created, dated ahead of the contract); when each
    amortized buyer's last contract ends."""
    contract_rows, purchase_rows = [], []
    contract_ended = np.full(c.n, -(10**6), dtype=np.int64)
    first_start_on_account = _first_contract_start_per_account(c, accounts.usage_bc, accounts.credits_bc)
    for deal in c.contracts:
        if deal.start + deal.term - 1 < 0:
            continue  # ended before the window
        if deal.cadence == 12:
            buyer_bc, buyer_created = accounts.usage_bc[deal.usage_org], c.bc_created_at[deal.usage_org]
            currency = c.currency[deal.usage_org]
        else:
            buyer_bc = accounts.credits_bc[deal.credits_org]
            buyer_created = accounts.credits_bc_created[deal.credits_org]
            currency = c.currency[deal.credits_org]
            contract_ended[deal.credits_org] = max(contract_ended[deal.credits_org], deal.start + deal.term)
        contract_rows.append((deal, buyer_bc, currency))
        for period in range(deal.term // deal.cadence):
            first_month = deal.start + period * deal.cadence
            last_month = first_month + deal.cadence - 1
            if first_month > cal.last or last_month < 0:
                continue
            ahead = period == 0 and deal.start == first_start_on_account[buyer_bc]
            cents = deal.price_cents * deal.cadence // deal.term
            purchase_rows.append((buyer_bc, first_month, last_month, cents, buyer_created, ahead, currency))
            accounts.bc_has_invoice[buyer_bc - accounts.bc_first] = True
    return contract_rows, purchase_rows, contract_ended


def _write_contracts_and_credit_purchases(
    c: Cohort, cal: Calendar, rng: np.random.Generator, ids: Counters, out: Output, accounts: _Accounts
) -> np.ndarray:
    """Contracts and their credit purchase invoices (no line items; subtotal = total = the payment), issued
    the way billing systems issue them: one-off invoices dated on the day their period starts, the first
    one on an account a few days before its contract starts. Returns when each amortized buyer's contracts end."""
    contract_rows, purchase_rows, contract_ended = _contracts_and_purchases(c, cal, accounts)
    contract_first = ids.take("contract", len(contract_rows))
    contract_number = {id(deal): contract_first + position for position, (deal, _, _) in enumerate(contract_rows)}
    replaces_number = [
        contract_number.get(id(deal.replaces)) if deal.replaces is not None else None for deal, _, _ in contract_rows
    ]
    deals = [deal for deal, _, _ in contract_rows]
    out.write(
        "contracts",
        {
            "contract_id": text_ids("ctr_", contract_first + np.arange(len(contract_rows)), 5),
            "organization_id": org_ids([c.org_num[deal.credits_org] for deal in deals]),
            "credits_billing_customer_id": bc_ids([bc for _, bc, _ in contract_rows]),
            "usage_billing_customer_id": bc_ids([accounts.usage_bc[deal.usage_org] for deal in deals]),
            "credit_usd": money(np.array([deal.credit_cents for deal in deals], dtype=np.int64)),
            "price_usd": money(np.array([deal.price_cents for deal in deals], dtype=np.int64)),
            "discount": [deal.discount_bp / 10_000 for deal in deals],
            "start_date": cal.start(np.array([deal.start for deal in deals], dtype=np.int64)),
            "term_months": [deal.term for deal in deals],
            "payment_cadence_months": [deal.cadence for deal in deals],
            "replaces_contract_id": pa.array(
                [None if number is None else f"ctr_{number:05d}" for number in replaces_number], pa.string()
            ),
            "currency": labels(CURRENCIES, np.array([currency for _, _, currency in contract_rows], dtype=np.int64)),
        },
    )
    _write_credit_purchases(cal, rng, ids, out, purchase_rows)
    return contract_ended


def _write_credit_purchases(
    cal: Calendar, rng: np.random.Generator, ids: Counters, out: Output, purchase_rows: list[tuple]
) -> None:
    p_count = len(purchase_rows)
    p_start = np.array([row[1] for row in purchase_rows], dtype=np.int64)
    p_cents = np.array([row[3] for row in purchase_rows], dtype=np.int64)
    p_days_ahead = np.where([row[5] for row in purchase_rows], rng.integers(2, 10, p_count), 0)
    p_created = np.maximum(
        timestamp_at(cal.start(p_start), p_days_ahead * -86_400 + 36_000),
        np.array([row[4] for row in purchase_rows], dtype="datetime64[s]") + np.timedelta64(3600, "s"),
    )
    p_dated = p_created.astype("datetime64[D]")
    p_status = np.where((p_start == cal.last) & (rng.random(p_count) < 0.5), OPEN, PAID)
    p_paid = p_status == PAID
    purchase_first = ids.take("invoice", p_count)
    zeros = np.zeros(p_count, dtype=np.int64)
    out.write(
        "invoices",
        {
            "invoice_id": invoice_ids(purchase_first + np.arange(p_count)),
            "billing_customer_id": bc_ids([row[0] for row in purchase_rows]),
            "invoice_type": labels(INVOICE_TYPES, zeros + 1),
            "status": labels(STATUSES, p_status),
            "period_start": p_dated,
            "period_end": p_dated,
            "currency": labels(CURRENCIES, np.array([row[6] for row in purchase_rows], dtype=np.int64)),
            "subtotal_usd": money(p_cents),
            "discount_usd": money(zeros),
            "credit_applied_usd": money(zeros),
            "tax_usd": money(zeros),
            "total_usd": money(p_cents),
            "amount_paid_usd": money(np.where(p_paid, p_cents, 0)),
            "created_at": p_created,
            "due_on": p_created.astype("datetime64[D]") + np.timedelta64(30, "D"),
            "paid_at": np.where(
                p_paid, p_created + seconds(rng.integers(3600, 12 * 86_400, p_count)), np.datetime64("NaT", "s")
            ),
        },
    )


def _write_organizations_and_billing_customers(c: Cohort, cal: Calendar, out: Output, accounts: _Accounts):
    """Organizations, and their billing customers in number order; returns (bc organization, bc number,
    bc created) for the subscriptions."""
    out.write(
        "organizations",
        {
            "organization_id": org_ids(c.org_num),
            "name": text_ids("Company ", c.org_num, 6),
            "created_at": c.created_at,
            "region": labels(REGIONS, c.region),
            "industry": labels(INDUSTRIES, c.industry),
            "employee_count": pa.array(c.employees, mask=c.employees < 0),
        },
    )
    usage_side = np.nonzero(c.has_bc)[0]
    credits_side = np.nonzero(accounts.credits_buyer)[0]
    bc_org = np.concatenate([usage_side, credits_side])
    bc_num = np.concatenate([accounts.usage_bc[usage_side], accounts.credits_bc[credits_side]])
    bc_created = np.concatenate([c.bc_created_at[usage_side], accounts.credits_bc_created[credits_side]])
    startup = np.concatenate([c.startup_credit[usage_side], np.zeros(len(credits_side), dtype=np.int64)])
    expires = np.concatenate(
        [c.startup_expires[usage_side], np.full(len(credits_side), np.datetime64("NaT"), "datetime64[D]")]
    )
    by_number = np.argsort(bc_num)
    bc_org, bc_num, bc_created = bc_org[by_number], bc_num[by_number], bc_created[by_number]
    startup, expires = startup[by_number], expires[by_number]
    out.write(
        "billing_customers",
        {
            "billing_customer_id": bc_ids(bc_num),
            "organization_id": org_ids(c.org_num[bc_org]),
            "created_at": bc_created,
            "email": pc.binary_join_element_wise(text_ids("user", bc_num, 1), "@example.com", ""),
            "region": labels(REGIONS, c.region[bc_org]),
            "is_startup_plan": startup > 0,
            "startup_credit_usd": money(startup, valid=startup > 0),
            "startup_credit_expires_on": expires,
        },
    )
    return bc_org, bc_num, bc_created


def _write_subscriptions(
    c: Cohort,
    cal: Calendar,
    rng: np.random.Generator,
    ids: Counters,
    out: Output,
    accounts: _Accounts,
    contract_ended: np.ndarray,
    billing_customers: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """One subscription per billing customer with invoices; canceled when the customer left."""
    bc_org, bc_num, bc_created = billing_customers
    canceled_at = np.full(len(bc_num), np.datetime64("NaT"), dtype="datetime64[s]")
    is_credits_side = bc_num == accounts.credits_bc[bc_org]
    usage_cancel = _cancel_at(c, cal, rng)
    canceled_at[~is_credits_side] = usage_cancel[bc_org[~is_credits_side]]
    ended = contract_ended[bc_org] <= cal.last
    canceled_at = np.where(
        is_credits_side & ended,
        timestamp_at(cal.start(np.minimum(contract_ended[bc_org], cal.last)), np.full(len(bc_num), -3600)),
        canceled_at,
    )
    with_invoices = accounts.bc_has_invoice[bc_num - accounts.bc_first]
    sub_num = bc_num[with_invoices]
    sub_first = ids.take("sub", len(sub_num))
    sub_canceled = canceled_at[with_invoices]
    out.write(
        "subscriptions",
        {
            "subscription_id": text_ids("sub_", sub_first + np.arange(len(sub_num)), 6),
            "billing_customer_id": bc_ids(sub_num),
            "status": pa.array(np.where(np.isnat(sub_canceled), "active", "canceled"), pa.string()),
            "started_at": bc_created[with_invoices],
            "canceled_at": sub_canceled,
        },
    )


def _write_consolidations_and_trials(c: Cohort, cal: Calendar, out: Output) -> None:
    out.write(
        "organization_consolidations",
        {
            "organization_id": org_ids([c.org_num[row[0]] for row in c.consolidations]),
            "parent_organization_id": org_ids([c.org_num[row[1]] for row in c.consolidations]),
            "effective_month": cal.start(np.array([row[2] for row in c.consolidations], dtype=np.int64)),
            "reason": labels(CONSOLIDATION_REASONS, np.array([row[3] for row in c.consolidations], np.int64)),
        },
    )
    out.write(
        "trials",
        {
            "organization_id": org_ids([c.org_num[row[0]] for row in c.trials]),
            "start_month": cal.start(np.array([row[1] for row in c.trials], dtype=np.int64)),
            "end_month": [None if row[2] is None else cal.day(row[2]) for row in c.trials],
            "note": [row[3] for row in c.trials],
        },
    )


def _candidates(c: Cohort, cal: Calendar, charges: _Charges) -> Candidates:
    """Candidates for TAM books: paying in the last two months, not rolled into another organization."""
    hist, last = cal.history, cal.last
    children = np.zeros(c.n, dtype=bool)
    children[[row[0] for row in c.consolidations]] = True
    window_billed = charges.usage_invoice[:, hist:]
    eligible = window_billed[:, last] & window_billed[:, last - 1] & ~children & (charges.total[:, hist:].sum(1) > 0)
    score = charges.net[:, -3:].mean(axis=1)
    return Candidates(
        org_num=c.org_num[eligible],
        score=score[eligible],
        first_month=np.argmax(window_billed, axis=1)[eligible],
    )


def _first_contract_start_per_account(c: Cohort, usage_bc: np.ndarray, credits_bc: np.ndarray) -> dict[int, int]:
    """The start month of the first contract whose credits are bought on each billing account."""
    first: dict[int, int] = {}
    for deal in c.contracts:
        buyer = int(usage_bc[deal.usage_org] if deal.cadence == 12 else credits_bc[deal.credits_org])
        first[buyer] = min(first.get(buyer, deal.start), deal.start)
    return first


def _cancel_at(c: Cohort, cal: Calendar, rng: np.random.Generator) -> np.ndarray:
    """When an organization's usage subscription was canceled: late in its last month with usage
    invoices, when that month is before the window's last month; NaT while it is a customer."""
    invoiced = c.billed | (c.zero_invoices[:, None] & c.active)
    any_month = invoiced.any(axis=1)
    last_col = c.billed.shape[1] - 1 - np.argmax(invoiced[:, ::-1], axis=1)
    left = any_month & (last_col < c.billed.shape[1] - 1)
    when = timestamp_at(cal.start(last_col - cal.history + 1), -rng.integers(86_400, 9 * 86_400, c.n))
    return np.where(left, when, np.datetime64("NaT", "s"))
