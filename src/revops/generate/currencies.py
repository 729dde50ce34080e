"""Currencies of the generated company: some EU organizations bill in EUR or GBP (`population`), and
fx_rates holds a moving monthly rate for each, from the first month billed in it to the last month.
The rates are a random walk from the seed, walked back from the last month, so the last month's rate
is fixed whatever the number of months."""

from __future__ import annotations

import numpy as np

from revops.generate.calendar import Calendar
from revops.generate.cohort import CURRENCIES, Cohort
from revops.generate.output import Output, labels

# USD per unit in the last month, and the spread of the monthly moves (a standard deviation of log moves).
LAST_MONTH_RATES = {"eur": 1.08, "gbp": 1.27}
MONTHLY_MOVE = 0.015


def first_foreign_month(c: Cohort, cal: Calendar) -> int | None:
    """The earliest window month (negative: before the window) an organization of `c` bills in a currency
    other than USD: its first invoiced month or the start of one of its contracts."""
    foreign = c.currency > 0
    months = []
    billed = np.nonzero(c.billed[foreign])[1]
    if billed.size:
        months.append(int(billed.min()) - cal.history)
    for deal in c.contracts:
        if c.currency[deal.usage_org] > 0 or c.currency[deal.credits_org] > 0:
            months.append(int(deal.start))
    return min(months) if months else None


def write_fx_rates(cal: Calendar, rng: np.random.Generator, first_month: int | None, out: Output) -> None:
    """One rate per currency other than USD and month, from `first_month` to the window's last month."""
    if first_month is None:
        return
    months = np.arange(min(first_month, 0), cal.last + 1, dtype=np.int64)
    codes, dates, rates = [], [], []
    for code, currency in enumerate(CURRENCIES):
        if currency == "usd":
            continue
        moves = rng.normal(0.0, MONTHLY_MOVE, len(months) - 1)
        # Walked back from the last month: rate[m] = rate[m + 1] / exp(move).
        logs = np.log(LAST_MONTH_RATES[currency]) - np.concatenate([[0.0], np.cumsum(moves)])
        codes.append(np.full(len(months), code, dtype=np.int64))
        dates.append(cal.start(months))
        rates.append(np.round(np.exp(logs[::-1]), 4))
    out.write(
        "fx_rates",
        {
            "currency": labels(CURRENCIES, np.concatenate(codes)),
            "month": np.concatenate(dates),
            "usd_per_unit": np.concatenate(rates),
        },
    )
