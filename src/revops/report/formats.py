"""How the report writes numbers, money, percentages and months."""

from __future__ import annotations

import html
from datetime import date

MINUS, NONE = "\u2212", "\u2013"  # typographic minus; an en dash for "no value"


def number(value) -> float | None:
    return None if value is None else float(value)


def usd(value, cents: bool = False) -> str:
    if value is None:
        return NONE
    amount = float(value)
    text = f"{abs(amount):,.2f}" if cents else f"{abs(amount):,.0f}"
    return f"{MINUS}${text}" if amount < 0 and text.strip("0.,") else f"${text}"


def signed_usd(value) -> str:
    if value is None:
        return NONE
    return ("+" if float(value) > 0 else "") + usd(value)


def compact_usd(value: float) -> str:
    amount = abs(value)
    sign = MINUS if value < 0 else ""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            scaled = amount / limit
            return f"{sign}${scaled:,.{0 if scaled >= 100 else 1}f}{suffix}".replace(".0" + suffix, suffix)
    return f"{sign}${amount:,.0f}"


def signed_number(number: float, digits: int) -> str:
    text = f"{abs(number):,.{digits}f}"
    return f"{MINUS}{text}" if number < 0 and text.strip("0.,") else text


def fraction_pct(value, digits: int = 1) -> str:
    return NONE if value is None else f"{signed_number(float(value) * 100, digits)} %"


def pct(value, digits: int = 1) -> str:
    return NONE if value is None else f"{signed_number(float(value), digits)} %"


def month_label(value: date) -> str:
    return value.strftime("%b %Y")


def short_month(value: date) -> str:
    return value.strftime("%b %y")


def esc(value) -> str:
    return html.escape(str(value), quote=True)
