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

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import numpy as np

from revops import contract
from revops.errors import RevopsError
from revops.generate.billing import bill
from revops.generate.calendar import MIN_MONTHS, Calendar
from revops.generate.cohort import Candidates
from revops.generate.currencies import first_foreign_month, write_fx_rates
from revops.generate.output import FILE_FORMATS, Counters, Output
from revops.generate.population import population_cohort
from revops.generate.revenue_scenarios import scenario_script
from revops.generate.sales import write_sales
from revops.generate.scenarios import scenario_cohort
from revops.generate.stripe_format import write_stripe_format

CHUNK_ORGANIZATIONS = 5_000

FX_RATES_STREAM = 2**31 - 1  # the key of the rates' random stream (chunks use 2 + chunk number)


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
    billing_format: str = "billing",
) -> dict[str, int]:
    """Write a synthetic input directory and return the number of rows written per table.

    `customers` organizations in all (at least the scenario organizations), with usage over
    `months` months ending with `end_month` (a first day of a month). Same arguments, same bytes.
    `billing_format` `stripe` writes the same company's billing data as Stripe's tables
    (`revops.generate.stripe_format`) instead of the project's billing files.
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
    if billing_format not in contract.BILLING_SOURCES:
        problems.append(f"billing_format must be one of {', '.join(contract.BILLING_SOURCES)}, not {billing_format!r}")
    if problems:
        raise RevopsError(problems)
    report = progress or (lambda message: None)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cal = Calendar(months, end_month)
    ids = Counters()
    out = Output(out_dir, file_format)
    try:
        script = scenario_script(cal)
        rng = _stream(seed, 0)
        cohort = scenario_cohort(script, cal, rng, ids.take("org", len(script.stories)))
        bill(cohort, cal, rng, ids, out)
        first_foreign = first_foreign_month(cohort, cal)
        report(f"{len(script.stories)} scenario organizations")
        population = max(0, customers - len(script.stories))
        candidates = Candidates.merge([], 0)
        for chunk, offset in enumerate(range(0, population, CHUNK_ORGANIZATIONS)):
            size = min(CHUNK_ORGANIZATIONS, population - offset)
            rng = _stream(seed, 2 + chunk)
            cohort = population_cohort(cal, rng, size, ids.take("org", size))
            found = bill(cohort, cal, rng, ids, out)
            chunk_first = first_foreign_month(cohort, cal)
            if chunk_first is not None:
                first_foreign = chunk_first if first_foreign is None else min(first_foreign, chunk_first)
            candidates = Candidates.merge([candidates, found], 200)
            report(f"{offset + size:,} of {population:,} population organizations")
        write_sales(cal, _stream(seed, 1), script, candidates, out)
        # A stream of its own (no chunk reaches this key), so the rates leave every other draw as it was.
        write_fx_rates(cal, _stream(seed, FX_RATES_STREAM), first_foreign, out)
        out.close()
    except BaseException:
        out.abort()
        raise
    rows = dict(out.rows)
    if billing_format == "stripe":
        stripe_rows = write_stripe_format(out_dir, file_format)
        rows = {name: count for name, count in rows.items() if name in contract.tables("stripe")} | stripe_rows
        report("billing data rewritten in Stripe's shape")
    report(f"wrote {sum(rows.values()):,} rows to {out_dir}")
    return rows
