"""The generator's calendar: window months 0 .. months - 1 (the last is the end month), history before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

MIN_MONTHS = 15  # the scenario storylines need 15 months (a 12-month term and what follows)

HISTORY_MONTHS = 12  # simulated before the window so credit balances are right when it opens


@dataclass(frozen=True)
class Calendar:
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


def seconds(values) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("timedelta64[s]")


def timestamp_at(day: np.ndarray, offset_seconds) -> np.ndarray:
    """Day(s) plus a number of seconds, as timestamps."""
    return day.astype("datetime64[s]") + seconds(offset_seconds)


def quarters_of(cal: Calendar) -> list[tuple[str, date, date]]:
    found = []
    month = -int((cal.month_of_year(0) - 1) % 3)
    while month <= cal.last:
        found.append((cal.quarter_name(month), cal.day(month), cal.day(month + 3) - timedelta(days=1)))
        month += 3
    return found


def quarter_start_of(cal: Calendar, month: int) -> date:
    return cal.day(month - int((cal.month_of_year(month) - 1) % 3))
