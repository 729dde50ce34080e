"""The validator's rules that are not in the contract YAML: how text is parsed per data type, the
bounds of what the warehouse's types hold, which columns hold months, quarters and scheduled dates,
and the plausibility bounds. Relationships, ranges and ordered pairs are declared on the source
columns (`revops.contract`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

MAX_PROBLEMS = 50  # sentences listed; one more says how many were left out


MAX_EXAMPLES = 3  # offending rows (or values) shown per problem


CHUNK_ROWS = 500_000  # rows per pandas frame given to great-expectations


# The text -> typed value parsers, one per contract data_type (DuckDB macros `revops_<type>(x)`):
# null when the text is null or does not parse. The regular expressions pin the written form
# (DuckDB's casts alone accept more, such as 2025-3-1 or a +02:00 offset they ignore); dates and
# timestamps must fall in the years 1990 to 2099, so a year typed as 0205 or 2205 does not parse.
YEAR = r"(199\d|20\d\d)"


PARSERS = {
    "date": rf"""case when regexp_full_match(trim(x), '{YEAR}-\d{{2}}-\d{{2}}')
                then try_cast(trim(x) as date) end""",
    "timestamp": rf"""case when regexp_full_match(
                    trim(x), '{YEAR}-\d{{2}}-\d{{2}}([T ]\d{{2}}:\d{{2}}(:\d{{2}}(\.\d{{1,9}})?)?)?(Z|[+-]00(:?00)?)?')
                then try_cast(trim(x) as timestamp) end""",
    "decimal": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)')
                then try_cast(trim(x) as decimal(18, 2)) end""",
    "double": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?')
                and isfinite(try_cast(trim(x) as double)) then try_cast(trim(x) as double) end""",
    "integer": r"""case when regexp_full_match(trim(x), '[+-]?\d+(\.0*)?')
                then try_cast(trim(x) as bigint) end""",
    "bigint": r"""case when regexp_full_match(trim(x), '[+-]?\d+(\.0*)?')
                then try_cast(trim(x) as bigint) end""",
    "boolean": "case lower(trim(x)) when 'true' then true when 'false' then false end",
    # Not contract types: a money text's exact value, for sums checked on the file's own values,
    # and a fraction as the warehouse keeps a contract discount.
    "exact": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)')
                then try_cast(trim(x) as decimal(38, 10)) end""",
    "fraction": r"""case when regexp_full_match(trim(x), '[+-]?(\d+(\.\d*)?|\.\d+)')
                then try_cast(trim(x) as decimal(9, 6)) end""",
}


TYPE_WORDS = {
    "date": "is not a date (YYYY-MM-DD) in the years 1990 to 2099",
    "timestamp": "is not a UTC timestamp (ISO, such as 2025-03-01T12:00:00Z) in the years 1990 to 2099",
    "decimal": "is not an amount (a plain decimal number such as 1234.50)",
    "double": "is not a number",
    "integer": "is not a whole number",
    "bigint": "is not a whole number",
    "boolean": "is not true or false",
}


# Whose export each source is, for the sentence about a missing required file.
SOURCE_OWNERS = {"billing": "the payment provider's", "crm": "the CRM's", "stripe": "Stripe's (Fivetran)"}


# Calendar months are written as their first day; quarters like 2025-Q2.
MONTH_COLUMNS = {
    "stripe_mapping": ("applies_to_month",),
    "credits": ("applies_to_month",),
    "usage": ("usage_month",),
    "organization_consolidations": ("effective_month",),
    "trials": ("start_month", "end_month"),
    "fx_rates": ("month",),
}


QUARTER_COLUMNS = {"quotas": ("quarter",), "usage_optimizations": ("quarter",)}


# Currencies are ISO 4217 codes written in lower case (usd, eur, gbp); USD needs no rate.
CURRENCY_COLUMNS = {"invoices": ("currency",), "contracts": ("currency",), "fx_rates": ("currency",)}


CURRENCY_CODE = r"^\s*[a-z]{3}\s*$"


BASE_CURRENCY = "usd"


# What the warehouse's types and arithmetic hold. Money is decimal(18, 2), below 10^16; the models
# sum amounts over every customer, annualise them (x 12) and undo contract discounts (at most x 10),
# so a money column's total stays 1,000 times below that.
MAX_AMOUNT_USD = 10**12  # one amount: below a trillion
MAX_COLUMN_TOTAL_USD = 10**13  # the sum of a money column's absolute values
MAX_UNITS = 10**15  # usage units and quantities (double precision, exact to the unit when summed)
MAX_INTEGER = 2**31 - 1  # the staging models cast whole numbers to 32-bit integer
MAX_MINOR_UNITS = MAX_AMOUNT_USD * 100  # a Stripe amount in cents (bigint columns)
DISCOUNT_DECIMALS = 6  # the warehouse keeps a discount as decimal(9, 6)


# Plausibility of dates, without --as-of: nothing recorded later than today plus this many months.
FUTURE_TOLERANCE_MONTHS = 1


# Dates that may lie further ahead, because they plan rather than record.
SCHEDULED_DATE_COLUMNS = {
    ("billing_customers", "startup_credit_expires_on"),
    ("invoices", "period_end"),
    ("invoices", "due_on"),
    ("invoice", "period_end"),
    ("invoice", "due_date"),
    ("contracts", "start_date"),
    ("trials", "end_month"),
    ("sales_reps", "role_start_date"),
    ("sales_reps", "end_date"),
    ("account_owners", "start_date"),
    ("account_owners", "end_date"),
    ("opportunities", "closed_on"),
}


# The newest month is refused as partial when its usage invoices are fewer than this share of the
# average of the (up to PARTIAL_MONTH_LOOKBACK) months with usage invoices before it; months that
# average fewer than PARTIAL_MONTH_MIN_INVOICES usage invoices are too small to judge.
PARTIAL_MONTH_MIN_SHARE = 0.5


PARTIAL_MONTH_LOOKBACK = 3


PARTIAL_MONTH_MIN_INVOICES = 20


# The statuses the models recognise as revenue (the dbt var recognised_invoice_statuses).
RECOGNISED_STATUSES = ("open", "paid", "uncollectible")


# A warning: a credit purchase shorter than this (period_end - period_start, in days; February is
# 27 days with an inclusive end) that matches no contract.
SHORT_CREDIT_PURCHASE_DAYS = 27


# An id that looks like an email address is personal data.
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"


INVOICE_TOTAL_PARTS = ("subtotal_usd", "discount_usd", "credit_applied_usd", "tax_usd")


# Given together or not at all: the TAM quota needs all three.
QUOTA_TABLES = ("sales_reps", "account_owners", "quotas")


@dataclass(frozen=True)
class Plausibility:
    """When the run happens and which month it builds: the bounds of the plausibility rules."""

    today: date  # UTC
    as_of: date | None = None  # the first day of the month --as-of names
    recognised_statuses: tuple[str, ...] = RECOGNISED_STATUSES

    @property
    def horizon(self) -> date:
        """The latest date a record may carry: today plus FUTURE_TOLERANCE_MONTHS (UTC)."""
        return add_months(self.today, FUTURE_TOLERANCE_MONTHS)


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, or the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
