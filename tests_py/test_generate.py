"""The synthetic data generator: contract shape, determinism, exact money, keys, and every case.

One small data set is generated per module and queried with DuckDB through typed views that cast
the text the way the staging models do.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from revops import contract
from revops.errors import RevopsError
from revops.generate import MIN_MONTHS, generate

# Two shapes: the default end month (first month of a quarter) and the minimum window ending on a
# quarter's last month, so that the scripted quarter cases hold wherever the window ends.
CONFIGS = [(150, 18, 11, date(2026, 10, 1)), (120, MIN_MONTHS, 4, date(2025, 9, 1))]
SQL_TYPES = {
    "varchar": "varchar",
    "date": "date",
    "timestamp": "timestamp",
    "decimal": "decimal(18, 2)",
    "double": "double",
    "integer": "integer",
    "boolean": "boolean",
}
QUALIFYING = "('Promo Credit', 'Incident Credit', 'Bug Credit')"


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda config: f"{config[1]}m-to-{config[3]}")
def config(request) -> tuple[int, int, int, date]:
    return request.param


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, config) -> Path:
    customers, months, seed, end_month = config
    out = tmp_path_factory.mktemp("generated")
    generate(out, customers=customers, months=months, seed=seed, end_month=end_month)
    return out


@pytest.fixture(scope="module")
def db(data_dir):
    con = duckdb.connect()
    for name, table in contract.tables().items():
        casts = ", ".join(f"cast({col.name} as {SQL_TYPES[col.data_type]}) as {col.name}" for col in table.columns)
        con.execute(
            f"create table {name} as select {casts} "
            f"from read_csv('{data_dir / name}.csv', header = true, all_varchar = true)"
        )
    # Tables, not views: each query would otherwise parse the files again.
    # Revenue per organization and month, as the warehouse's formula gives it for usage invoices.
    con.execute(
        """
        create table revenue as
        with billed as (
            select customer.organization_id, invoice.period_start as month, invoice.total_usd,
                   invoice.subtotal_usd - invoice.discount_usd as net_usd, invoice.invoice_id
            from invoices as invoice
            join billing_customers as customer using (billing_customer_id)
            where invoice.invoice_type = 'usage' and invoice.status in ('open', 'paid', 'uncollectible')
        ),
        refunded as (select invoice_id, sum(amount_usd) as refunded_usd from refunds group by 1)
        select organization_id, month, sum(total_usd - coalesce(refunded_usd, 0)) as revenue, sum(net_usd) as net
        from billed left join refunded using (invoice_id)
        group by all
        """
    )
    con.execute(
        """
        create table revenue_around as
        select current.organization_id, current.month, current.revenue,
               coalesce(prior_1.revenue, 0) as prior_1, coalesce(prior_2.revenue, 0) as prior_2,
               coalesce(next_1.revenue, 0) as next_1,
               current.month < (select max(period_start) from invoices) as has_next
        from revenue as current
        left join revenue as prior_1
            on prior_1.organization_id = current.organization_id and prior_1.month = current.month - interval 1 month
        left join revenue as prior_2
            on prior_2.organization_id = current.organization_id and prior_2.month = current.month - interval 2 month
        left join revenue as next_1
            on next_1.organization_id = current.organization_id and next_1.month = current.month + interval 1 month
        """
    )
    yield con
    con.close()


def scalar(db, sql: str):
    return db.execute(sql).fetchone()[0]


def count(db, sql: str) -> int:
    return scalar(db, f"select count(*) from ({sql})")


# --------------------------------------------------------------------------------------------
# Shape and determinism
# --------------------------------------------------------------------------------------------


def test_every_contract_table_is_written_with_the_contract_columns_in_order(data_dir):
    for name, table in contract.tables().items():
        path = data_dir / f"{name}.csv"
        assert path.exists(), name
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == table.column_names, name


def test_every_table_has_rows(db):
    for name in contract.tables():
        assert scalar(db, f"select count(*) from {name}") > 0, name


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts = generate(first, customers=80, months=MIN_MONTHS, seed=5)
    assert generate(second, customers=80, months=MIN_MONTHS, seed=5) == counts
    generate(other, customers=80, months=MIN_MONTHS, seed=6)
    for name in contract.tables():
        assert (first / f"{name}.csv").read_bytes() == (second / f"{name}.csv").read_bytes(), name
    assert (first / "usage.csv").read_bytes() != (other / "usage.csv").read_bytes()
    assert counts["organizations"] == 80


def test_parquet_holds_the_same_rows_as_csv(tmp_path):
    csv_counts = generate(tmp_path / "csv", customers=60, months=MIN_MONTHS, seed=3)
    parquet_counts = generate(tmp_path / "pq", customers=60, months=MIN_MONTHS, seed=3, file_format="parquet")
    assert parquet_counts == csv_counts
    con = duckdb.connect()
    total = con.execute(
        f"select sum(total_usd), count(*) from read_parquet('{tmp_path / 'pq' / 'invoices.parquet'}')"
    ).fetchone()
    text = con.execute(
        f"select sum(cast(total_usd as decimal(18, 2))), count(*) from read_csv('{tmp_path / 'csv' / 'invoices.csv'}', "
        "all_varchar = true)"
    ).fetchone()
    assert total == text
    assert not list((tmp_path / "pq").glob("*.csv"))


def test_formats_of_dates_timestamps_money_and_booleans(data_dir):
    with (data_dir / "invoices.csv").open(newline="") as handle:
        row = next(csv.DictReader(handle))
    assert len(row["period_start"]) == 10 and row["period_start"].endswith("-01")
    assert len(row["created_at"]) == 19 and row["created_at"][10] == " "
    assert row["total_usd"].split(".")[1].isdigit() and len(row["total_usd"].split(".")[1]) == 2
    with (data_dir / "billing_customers.csv").open(newline="") as handle:
        assert {row["is_startup_plan"] for row in csv.DictReader(handle)} == {"true", "false"}


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(RevopsError, match="months"):
        generate(tmp_path, customers=10, months=MIN_MONTHS - 1, seed=1)
    with pytest.raises(RevopsError, match="end_month"):
        generate(tmp_path, customers=10, months=MIN_MONTHS, seed=1, end_month=date(2026, 10, 2))
    with pytest.raises(RevopsError, match="file_format"):
        generate(tmp_path, customers=10, months=MIN_MONTHS, seed=1, file_format="xlsx")


def test_scenario_organizations_exist_even_for_few_customers(tmp_path):
    counts = generate(tmp_path, customers=1, months=MIN_MONTHS, seed=1, end_month=date(2025, 9, 1))
    assert counts["organizations"] > 30 and counts["contracts"] > 0 and counts["account_owners"] > 0


def test_window_covers_the_requested_months(db, config):
    assert scalar(db, "select max(usage_month) from usage") == config[3]
    assert scalar(db, "select count(distinct usage_month) from usage") == config[1]
    assert scalar(db, "select count(*) from usage where day(usage_month) <> 1") == 0


# --------------------------------------------------------------------------------------------
# Keys, accepted values, foreign keys
# --------------------------------------------------------------------------------------------


def test_keys_are_unique_and_not_null(db):
    for name, table in contract.tables().items():
        key = ", ".join(table.key)
        assert count(db, f"select {key} from {name} group by all having count(*) > 1") == 0, name
        nulls = " or ".join(f"{column} is null" for column in table.key)
        assert scalar(db, f"select count(*) from {name} where {nulls}") == 0, name


def test_accepted_values_and_non_nullable_columns(db):
    for name, table in contract.tables().items():
        for column in table.columns:
            if column.accepted_values:
                values = ", ".join(f"'{value}'" for value in column.accepted_values)
                assert scalar(db, f"select count(*) from {name} where {column.name} not in ({values})") == 0
            if not column.nullable:
                assert scalar(db, f"select count(*) from {name} where {column.name} is null") == 0, column
    products = ", ".join(f"'{key}'" for key in contract.product_keys())
    for name in ("invoice_line_items", "usage", "refunds"):
        assert scalar(db, f"select count(*) from {name} where product_key not in ({products})") == 0
    reasons = ", ".join(f"'{reason}'" for reason in contract.credit_reasons())
    for name in ("credits", "refunds"):
        assert scalar(db, f"select count(*) from {name} where reason not in ({reasons})") == 0


@pytest.mark.parametrize("relationship", contract.relationships(), ids=lambda rel: f"{rel.table}.{rel.column}")
def test_every_relationship_of_the_contract_resolves(db, relationship):
    child, column, parent, key = (
        relationship.table,
        relationship.column,
        relationship.parent,
        relationship.parent_column,
    )
    orphans = (
        f"select {column} from {child} where {column} is not null and {column} not in (select {key} from {parent})"
    )
    assert count(db, orphans) == 0


def test_every_range_and_ordered_pair_of_the_contract_holds(db):
    checked = 0
    for name, table in contract.tables().items():
        for column in table.columns:
            if column.minimum is not None:
                assert scalar(db, f"select count(*) from {name} where {column.name} < {column.minimum}") == 0, column
                checked += 1
            if column.maximum is not None:
                above = ">=" if column.max_exclusive else ">"
                assert scalar(db, f"select count(*) from {name} where {column.name} {above} {column.maximum}") == 0
                checked += 1
        for pair in contract.ordered_pairs(table):
            assert scalar(db, f"select count(*) from {name} where {pair.larger} < {pair.smaller}") == 0, pair
            checked += 1
    assert checked > 20  # the contract declares them; an empty contract would check nothing


def test_refunds_are_against_a_paid_usage_invoice_and_one_of_its_lines(db):
    bad = """
        select refund.refund_id
        from refunds as refund
        join invoices as invoice using (invoice_id)
        left join invoice_line_items as line
            on line.invoice_id = refund.invoice_id and line.product_key = refund.product_key
        where invoice.status <> 'paid' or invoice.invoice_type <> 'usage' or line.line_item_id is null
           or refund.amount_usd > line.amount_usd - line.discount_usd or refund.amount_usd <= 0
           or refund.created_at < invoice.paid_at
    """
    assert count(db, bad) == 0


# --------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------


def test_invoice_money_identities_are_exact(db):
    lines = """
        select invoice.invoice_id
        from invoices as invoice
        left join (
            select invoice_id, sum(amount_usd) as amount, sum(discount_usd) as discount
            from invoice_line_items group by 1
        ) as line using (invoice_id)
        where invoice.invoice_type = 'usage'
          and (invoice.subtotal_usd <> coalesce(line.amount, 0) or invoice.discount_usd <> coalesce(line.discount, 0))
    """
    assert count(db, lines) == 0
    formula = "select * from invoices where total_usd <> subtotal_usd - discount_usd - credit_applied_usd + tax_usd"
    assert count(db, formula) == 0
    paid = "select * from invoices where amount_paid_usd <> case when status = 'paid' then total_usd else 0 end"
    assert count(db, paid) == 0
    negative = """
        select * from invoices
        where least(subtotal_usd, discount_usd, credit_applied_usd, tax_usd, total_usd, amount_paid_usd) < 0
           or credit_applied_usd > subtotal_usd - discount_usd
    """
    assert count(db, negative) == 0
    assert count(db, "select * from invoice_line_items where discount_usd > amount_usd or amount_usd < 0") == 0
    assert count(db, "select * from invoices where period_end < period_start or due_on < cast(created_at as date)") == 0
    assert count(db, "select * from invoices where (status = 'paid') <> (paid_at is not null)") == 0


def test_usage_invoices_cover_one_calendar_month_and_are_created_after_it(db):
    bad = """
        select * from invoices
        where invoice_type = 'usage'
          and (day(period_start) <> 1 or period_end <> period_start + interval 1 month - interval 1 day
               or created_at < period_start + interval 1 month or created_at >= period_start + interval 1 month + interval 4 day)
    """
    assert count(db, bad) == 0


def test_tax_is_a_rate_of_the_amount_due_and_coupons_stay_between_10_and_20_percent(db):
    assert scalar(db, "select count(*) from invoices where tax_usd > 0") > 0
    rates = db.execute(
        """
        select min(tax_usd / (subtotal_usd - discount_usd - credit_applied_usd)),
               max(tax_usd / (subtotal_usd - discount_usd - credit_applied_usd))
        from invoices where tax_usd > 0 and subtotal_usd - discount_usd - credit_applied_usd > 100
        """
    ).fetchone()
    assert rates[0] >= 0.075 and rates[1] <= 0.2001
    coupons = db.execute(
        "select min(discount_usd / amount_usd), max(discount_usd / amount_usd), count(*) "
        "from invoice_line_items where discount_usd > 0 and amount_usd > 10"
    ).fetchone()
    assert coupons[2] > 0 and coupons[0] >= 0.09 and coupons[1] <= 0.2001


def test_usage_matches_the_billed_quantities(db):
    mismatched = """
        with billed as (
            select customer.organization_id, line.product_key, invoice.period_start as usage_month,
                   sum(line.quantity) as quantity
            from invoice_line_items as line
            join invoices as invoice using (invoice_id)
            join billing_customers as customer using (billing_customer_id)
            where invoice.status <> 'void'
            group by all
        )
        select * from billed left join usage using (organization_id, product_key, usage_month)
        where usage.units is distinct from billed.quantity
    """
    assert count(db, mismatched) == 0
    assert (
        count(
            db,
            "select billing_customer_id from invoices where status <> 'void' and invoice_type = 'usage' "
            "group by billing_customer_id, period_start having count(*) > 1",
        )
        == 0
    )


# --------------------------------------------------------------------------------------------
# The five billing configurations
# --------------------------------------------------------------------------------------------


def test_free_organizations_use_the_product_without_a_positive_invoice(db):
    free = """
        select organization_id from usage
        where organization_id not in (
            select customer.organization_id from invoices as invoice
            join billing_customers as customer using (billing_customer_id) where invoice.total_usd > 0
        )
        and organization_id not in (select organization_id from organization_consolidations)
        and organization_id not in (select organization_id from contracts)
    """
    assert count(db, free) > 0
    zero_invoices = """
        select customer.organization_id from invoices join billing_customers as customer using (billing_customer_id)
        group by 1 having max(subtotal_usd) = 0
    """
    assert count(db, zero_invoices) > 0


def test_startup_plan_credits_cover_bills_until_they_run_out_or_expire(db):
    startup = "select * from billing_customers where is_startup_plan"
    assert count(db, startup) > 0
    assert count(db, startup + " and (startup_credit_usd is null or startup_credit_expires_on is null)") == 0
    assert (
        count(db, "select * from billing_customers where not is_startup_plan and startup_credit_usd is not null") == 0
    )
    covered = """
        select * from invoices join billing_customers using (billing_customer_id)
        where is_startup_plan and credit_applied_usd > 0 and credit_applied_usd = subtotal_usd - discount_usd
          and total_usd = 0 and tax_usd = 0 and period_start < startup_credit_expires_on
    """
    assert count(db, covered) > 0
    ran_out = """
        select * from invoices join billing_customers using (billing_customer_id)
        where is_startup_plan and credit_applied_usd > 0 and total_usd > 0
    """
    assert count(db, ran_out) > 0
    billed_after_expiry = """
        select * from invoices join billing_customers using (billing_customer_id)
        where is_startup_plan and period_start >= startup_credit_expires_on and total_usd > 0 and credit_applied_usd = 0
    """
    assert count(db, billed_after_expiry) > 0
    overspent = """
        select billing_customer_id from invoices join billing_customers using (billing_customer_id)
        where is_startup_plan and status <> 'void' group by billing_customer_id, startup_credit_usd
        having sum(credit_applied_usd) > startup_credit_usd
    """
    assert count(db, overspent) == 0
    expiry = db.execute(
        "select min(startup_credit_expires_on - cast(created_at as date)), "
        "max(startup_credit_expires_on - cast(created_at as date)) from billing_customers where is_startup_plan"
    ).fetchone()
    assert expiry[0] >= 330 and expiry[1] <= 370


def test_contract_prices_and_credit_purchase_invoices(db):
    assert count(db, "select * from contracts where abs(price_usd - round(credit_usd * (1 - discount), 2)) > 0") == 0
    assert count(db, "select * from contracts where payment_cadence_months not in (1, 3, 6, 12)") == 0
    # Terms are 12 months, except a co-terminus expansion, which ends with another contract of the organization.
    shorter = """
        select * from contracts as expansion where term_months <> 12 and not exists (
            select 1 from contracts as original
            where original.organization_id = expansion.organization_id
              and original.contract_id <> expansion.contract_id
              and original.start_date < expansion.start_date
              and original.start_date + to_months(original.term_months)
                = expansion.start_date + to_months(expansion.term_months))
    """
    assert count(db, shorter) == 0
    assert count(db, "select * from contracts where discount < 0.1 or discount > 0.3") == 0
    # Credit purchases are one-off invoices, as billing systems issue them: the period is the invoice's day.
    assert (
        count(db, "select * from invoices where invoice_type = 'credit_purchase' and period_end <> period_start") == 0
    )
    # Each pays one payment period of a contract on its account: dated on the period's first day (or the day
    # the account was opened, when that is later), or, for the first contract on an account, up to 9 days
    # before it starts; never two for one period; the amount is the period's share of the price.
    purchases = """
        with first_contracts as (
            select credits_billing_customer_id, min(start_date) as first_start from contracts group by 1
        ),
        candidates as (
            select invoice.invoice_id, contract.contract_id, invoice.total_usd, invoice.subtotal_usd,
                   contract.price_usd * contract.payment_cadence_months / contract.term_months as period_price,
                   invoice.period_start < contract.start_date as ahead,
                   contract.start_date = first.first_start as is_first_contract,
                   contract.start_date - invoice.period_start as days_ahead,
                   greatest(0, datediff('month', contract.start_date, invoice.period_start))
                       // contract.payment_cadence_months as period_index,
                   datediff('day', greatest(
                       contract.start_date + to_months(
                           greatest(0, datediff('month', contract.start_date, invoice.period_start))
                           // contract.payment_cadence_months * contract.payment_cadence_months
                       ),
                       cast(account.created_at as date)
                   ), invoice.period_start) as days_into_period,
                   row_number() over (partition by invoice.invoice_id order by contract.start_date desc) as latest
            from invoices as invoice
            join billing_customers as account using (billing_customer_id)
            join contracts as contract
              on invoice.billing_customer_id = contract.credits_billing_customer_id
             and invoice.period_start >= contract.start_date - interval 9 day
             and invoice.period_start < contract.start_date + to_months(contract.term_months)
             and not (invoice.period_start < contract.start_date and exists (
                 select 1 from contracts as running
                 where running.credits_billing_customer_id = contract.credits_billing_customer_id
                   and invoice.period_start >= running.start_date
                   and invoice.period_start < running.start_date + to_months(running.term_months)))
            -- an early renewal (replaces_contract_id) ends the contract it replaces
            left join contracts as renewal on renewal.replaces_contract_id = contract.contract_id
            join first_contracts as first
              on first.credits_billing_customer_id = contract.credits_billing_customer_id
            where invoice.invoice_type = 'credit_purchase'
              and invoice.period_start < coalesce(renewal.start_date, date '9999-12-31')
        )
        -- a purchase dated when a newer contract on the account starts (a renewal, a co-terminus
        -- expansion) pays for that contract
        select * exclude (latest) from candidates where latest = 1
    """
    matched = db.execute(purchases).fetchall()
    assert len(matched) == scalar(db, "select count(*) from invoices where invoice_type = 'credit_purchase'")
    assert len({row[0] for row in matched}) == len(matched)
    assert len({(row[1], row[8]) for row in matched}) == len(matched)
    for _, _, total, subtotal, period_price, ahead, is_first, days_ahead, _, days_into in matched:
        assert total == subtotal == period_price
        assert (is_first and 2 <= days_ahead <= 9) if ahead else 0 <= days_into <= 1
    assert any(row[5] for row in matched), "no credit purchase is dated before its contract starts"


def test_yearly_credit_purchase_covers_usage_while_credits_last(db):
    yearly = """
        select * from contracts as contract
        join billing_customers as customer on customer.billing_customer_id = contract.credits_billing_customer_id
        where payment_cadence_months = 12 and credits_billing_customer_id = usage_billing_customer_id
          and customer.organization_id = contract.organization_id
          and credit_usd between 60000 and 600000
    """
    assert count(db, yearly) > 0
    beyond = """
        select * from contracts as contract
        join invoices as invoice
          on invoice.billing_customer_id = contract.usage_billing_customer_id and invoice.invoice_type = 'usage'
         and invoice.period_start >= contract.start_date
         and invoice.period_start < contract.start_date + interval 12 month
        where contract.payment_cadence_months = 12 and invoice.credit_applied_usd > 0 and invoice.total_usd > 0
    """
    assert count(db, beyond) > 0
    # Credits applied during a contract's term never exceed the credits of the contracts in force with it
    # (an expansion or an early renewal overlaps the contract it adds to or replaces).
    overspent = """
        with available as (
            select contract.contract_id, sum(other.credit_usd) as credit_usd
            from contracts as contract
            join contracts as other
              on other.usage_billing_customer_id = contract.usage_billing_customer_id
             and other.start_date < contract.start_date + to_months(contract.term_months)
             and contract.start_date < other.start_date + to_months(other.term_months)
            group by contract.contract_id
        )
        select contract.contract_id from contracts as contract
        join available using (contract_id)
        join invoices as invoice
          on invoice.billing_customer_id = contract.usage_billing_customer_id and invoice.invoice_type = 'usage'
         and invoice.status <> 'void'
         and invoice.period_start >= contract.start_date
         and invoice.period_start < contract.start_date + to_months(contract.term_months)
        group by contract.contract_id, available.credit_usd having sum(invoice.credit_applied_usd) > available.credit_usd
    """
    assert count(db, overspent) == 0
    renewed = "select organization_id from contracts group by 1 having count(*) > 1"
    assert count(db, renewed) > 0


def test_amortized_contracts_use_two_billing_customers(db):
    amortized = "select * from contracts where payment_cadence_months < 12"
    assert count(db, amortized + " and credits_billing_customer_id = usage_billing_customer_id") == 0
    same_org = """
        select * from contracts as contract
        join billing_customers as credits on credits.billing_customer_id = contract.credits_billing_customer_id
        join billing_customers as usage_side on usage_side.billing_customer_id = contract.usage_billing_customer_id
        where contract.payment_cadence_months < 12 and credits.organization_id = usage_side.organization_id
    """
    assert count(db, same_org) > 0
    across = """
        select * from contracts as contract
        join billing_customers as credits on credits.billing_customer_id = contract.credits_billing_customer_id
        join billing_customers as usage_side on usage_side.billing_customer_id = contract.usage_billing_customer_id
        join organization_consolidations as consolidation
          on consolidation.organization_id = usage_side.organization_id
         and consolidation.parent_organization_id = contract.organization_id
         and consolidation.reason = 'amortized_contract'
        where contract.payment_cadence_months < 12 and credits.organization_id = contract.organization_id
          and usage_side.organization_id <> contract.organization_id
    """
    assert count(db, across) > 0
    assert count(db, "select distinct payment_cadence_months from contracts") >= 3
    paid_by_credits = """
        select * from contracts as contract
        join invoices as invoice on invoice.billing_customer_id = contract.usage_billing_customer_id
        where contract.payment_cadence_months < 12 and invoice.credit_applied_usd > 0
    """
    assert count(db, paid_by_credits) > 0
    no_usage_on_credits_side = """
        select * from contracts as contract
        join invoices as invoice on invoice.billing_customer_id = contract.credits_billing_customer_id
        where contract.payment_cadence_months < 12 and invoice.invoice_type = 'usage'
    """
    assert count(db, no_usage_on_credits_side) == 0


# --------------------------------------------------------------------------------------------
# Consolidations and trials
# --------------------------------------------------------------------------------------------


def test_consolidations_have_no_self_maps_or_cycles_and_include_a_chain(db):
    assert count(db, "select * from organization_consolidations where organization_id = parent_organization_id") == 0
    depth = """
        with recursive walk(start_id, current_id, depth) as (
            select organization_id, parent_organization_id, 1 from organization_consolidations
            union all
            select walk.start_id, step.parent_organization_id, walk.depth + 1
            from walk join organization_consolidations as step on step.organization_id = walk.current_id
            where walk.depth < 20
        )
        select max(depth) from walk
    """
    assert 2 <= scalar(db, depth) < 20
    reasons = {row[0] for row in db.execute("select distinct reason from organization_consolidations").fetchall()}
    assert reasons == {"eu_to_us_migration", "same_company", "amortized_contract"}


def test_eu_to_us_moves_stop_billing_in_the_eu_and_start_in_the_us_the_same_month(db):
    moves = db.execute(
        """
        with billed as (
            select customer.organization_id, min(period_start) as first_month, max(period_start) as last_month
            from invoices join billing_customers as customer using (billing_customer_id)
            where invoice_type = 'usage' and total_usd > 0 group by 1
        )
        select child_org.region, parent_org.region, child.last_month, parent.first_month, move.effective_month
        from organization_consolidations as move
        join organizations as child_org on child_org.organization_id = move.organization_id
        join organizations as parent_org on parent_org.organization_id = move.parent_organization_id
        join billed as child on child.organization_id = move.organization_id
        join billed as parent on parent.organization_id = move.parent_organization_id
        where move.reason = 'eu_to_us_migration'
        """
    ).fetchall()
    assert moves
    for child_region, parent_region, child_last, parent_first, effective in moves:
        assert (child_region, parent_region) == ("EU", "US")
        assert child_last < effective <= parent_first


def test_same_company_organizations_are_billed_in_parallel(db):
    parallel = """
        select * from organization_consolidations as merge
        join revenue as child on child.organization_id = merge.organization_id
        join revenue as parent on parent.organization_id = merge.parent_organization_id and parent.month = child.month
        where merge.reason = 'same_company' and child.revenue > 0 and parent.revenue > 0
    """
    assert count(db, parallel) > 0


def test_trials_flag_paying_organizations_and_one_is_still_open(db):
    assert count(db, "select * from trials where end_month is null") > 0
    assert count(db, "select * from trials where end_month < start_month") == 0
    paying = """
        select * from trials join revenue using (organization_id)
        where revenue.month >= trials.start_month and revenue.revenue > 0
    """
    assert count(db, paying) > 0


# --------------------------------------------------------------------------------------------
# Adjustment cases: one-time credits, refunds, spikes
# --------------------------------------------------------------------------------------------

CREDITS_BY_MONTH = """
    select customer.organization_id, credit.applies_to_month as month, credit.reason, credit.amount_usd
    from credits as credit join billing_customers as customer using (billing_customer_id)
"""


def test_credits_are_applied_on_their_months_invoice(db):
    unapplied = f"""
        select * from ({CREDITS_BY_MONTH}) as credit
        join billing_customers as customer using (organization_id)
        join invoices as invoice
          on invoice.billing_customer_id = customer.billing_customer_id and invoice.period_start = credit.month
         and invoice.invoice_type = 'usage' and invoice.status <> 'void'
        where invoice.credit_applied_usd < credit.amount_usd
    """
    assert count(db, unapplied) == 0


def test_qualifying_credit_of_at_least_half_the_prior_month_with_recovery(db):
    triggering = f"""
        select * from ({CREDITS_BY_MONTH}) as credit join revenue_around using (organization_id, month)
        where credit.reason in {QUALIFYING} and credit.amount_usd >= 0.5 * prior_1 and prior_1 > 0
          and next_1 >= (prior_1 + prior_2) / 2 and has_next
    """
    assert count(db, triggering) > 0


def test_qualifying_credit_below_half_and_large_non_qualifying_credits(db):
    below = f"""
        select * from ({CREDITS_BY_MONTH}) as credit join revenue_around using (organization_id, month)
        where credit.reason in {QUALIFYING} and credit.amount_usd < 0.5 * prior_1
    """
    assert count(db, below) > 0
    large_other = f"""
        select distinct credit.reason from ({CREDITS_BY_MONTH}) as credit join revenue_around using (organization_id, month)
        where credit.reason not in {QUALIFYING} and credit.amount_usd >= 0.5 * prior_1 and prior_1 > 0
    """
    assert count(db, large_other) >= 3


def test_qualifying_large_refund(db):
    large = f"""
        select * from refunds as refund
        join invoices as invoice using (invoice_id)
        join billing_customers as customer using (billing_customer_id)
        join revenue_around as around
          on around.organization_id = customer.organization_id and around.month = invoice.period_start
        where refund.reason in {QUALIFYING} and refund.amount_usd >= 0.5 * around.prior_1 and around.prior_1 > 0
    """
    assert count(db, large) > 0


def test_spikes_and_near_misses(db):
    spike = """
        select * from revenue_around
        where prior_1 + prior_2 > 0 and revenue > prior_1 + prior_2 and revenue - (prior_1 + prior_2) / 2 >= 1000
          and next_1 <= 0.5 * revenue and has_next
    """
    assert count(db, spike) > 0
    small_increase = """
        select * from revenue_around
        where prior_1 > 0 and prior_2 > 0 and revenue > prior_1 + prior_2 and revenue - (prior_1 + prior_2) / 2 < 1000
          and next_1 <= 0.5 * revenue and has_next
    """
    assert count(db, small_increase) > 0
    rise_and_stay = """
        select * from revenue_around
        where prior_1 > 0 and prior_2 > 0 and revenue > prior_1 + prior_2 and revenue - (prior_1 + prior_2) / 2 >= 1000
          and next_1 > 0.5 * revenue and has_next
    """
    assert count(db, rise_and_stay) > 0
    big_first_bill = """
        select organization_id from revenue group by 1
        having arg_min(revenue, month) >= 10000 and min(month) > (select min(month) from revenue)
    """
    assert count(db, big_first_bill) > 0


# --------------------------------------------------------------------------------------------
# Statuses, churn, reactivation, flat
# --------------------------------------------------------------------------------------------


def test_statuses(db):
    statuses = {row[0] for row in db.execute("select distinct status from invoices").fetchall()}
    assert statuses == {"draft", "open", "paid", "void", "uncollectible"}
    newest = scalar(db, "select max(period_start) from invoices where invoice_type = 'usage'")
    assert scalar(db, "select max(period_start) from invoices where status = 'draft'") == newest
    assert scalar(db, "select min(period_start) from invoices where status = 'draft'") == newest
    replaced = """
        select * from invoices as void
        where void.status = 'void' and not exists (
            select 1 from invoices as replacement
            where replacement.billing_customer_id = void.billing_customer_id and replacement.status = 'paid'
              and replacement.period_start = void.period_start and replacement.invoice_type = void.invoice_type)
    """
    assert scalar(db, "select count(*) from invoices where status = 'void'") > 0
    assert count(db, replaced) == 0


def test_some_eu_customers_bill_in_eur_or_gbp_with_a_rate_for_every_month_they_bill_in(db):
    currencies = {row[0] for row in db.execute("select distinct currency from invoices").fetchall()}
    assert currencies == {"usd", "eur", "gbp"}
    foreign_outside_eu = """
        select * from invoices join billing_customers using (billing_customer_id)
        where invoices.currency <> 'usd' and billing_customers.region <> 'EU' and invoices.invoice_type = 'usage'
    """
    assert count(db, foreign_outside_eu) == 0
    several = "select billing_customer_id from invoices group by 1 having count(distinct currency) > 1"
    assert count(db, several) == 0
    unrated = """
        select * from invoices
        where currency <> 'usd' and not exists (
            select 1 from fx_rates
            where fx_rates.currency = invoices.currency and fx_rates.month = date_trunc('month', invoices.period_start))
    """
    assert count(db, unrated) == 0
    assert scalar(db, "select min(usd_per_unit) from fx_rates") > 0
    # The rates move month by month (a flat rate would test nothing).
    assert scalar(db, "select count(distinct usd_per_unit) from fx_rates where currency = 'eur'") > 3
    contract_in_its_purchases_currency = """
        select * from contracts join invoices on invoices.billing_customer_id = contracts.credits_billing_customer_id
        where invoices.invoice_type = 'credit_purchase' and invoices.currency <> contracts.currency
    """
    assert count(db, contract_in_its_purchases_currency) == 0


def test_churn_reactivation_and_flat(db):
    churned = """
        select * from subscriptions as sub join billing_customers using (billing_customer_id)
        where sub.status = 'canceled' and sub.canceled_at is not null
          and not exists (
            select 1 from invoices as invoice
            where invoice.billing_customer_id = sub.billing_customer_id and invoice.invoice_type = 'usage'
              and invoice.period_start > sub.canceled_at)
    """
    assert count(db, churned) > 0
    assert count(db, "select * from subscriptions where (status = 'canceled') <> (canceled_at is not null)") == 0
    assert count(db, "select * from subscriptions where canceled_at < started_at") == 0
    reactivated = """
        select * from revenue as back
        where back.revenue > 0
          and not exists (select 1 from revenue as gap where gap.organization_id = back.organization_id
                          and gap.month = back.month - interval 1 month and gap.revenue > 0)
          and exists (select 1 from revenue as before where before.organization_id = back.organization_id
                      and before.month < back.month - interval 1 month and before.revenue > 0)
    """
    assert count(db, reactivated) > 0
    flat = "select * from revenue_around where revenue > 0 and revenue = prior_1"
    assert count(db, flat) > 0


def test_every_billing_customer_with_usage_invoices_has_one_subscription(db):
    missing = """
        select distinct billing_customer_id from invoices
        where billing_customer_id not in (select billing_customer_id from subscriptions)
    """
    assert count(db, missing) == 0
    assert count(db, "select billing_customer_id from subscriptions group by 1 having count(*) > 1") == 0


# --------------------------------------------------------------------------------------------
# Sales team, books, quota cases
# --------------------------------------------------------------------------------------------


def test_sales_team_roles_teams_and_ramping(db):
    roles = {row[0] for row in db.execute("select distinct role from sales_reps").fetchall()}
    assert roles == {"TAE", "TAM", "CSM"}
    leads = db.execute(
        "select team, count(*) filter (where is_team_lead) from sales_reps where role = 'TAM' group by 1"
    ).fetchall()
    assert len(leads) == 2 and all(lead_count == 1 for _, lead_count in leads)
    ramping = """
        select * from sales_reps as rep join quotas using (owner_id)
        where rep.role = 'TAM'
          and rep.role_start_date < cast(left(quarter, 4) || '-' || lpad(cast((cast(right(quarter, 1) as int) - 1) * 3 + 1
              as varchar), 2, '0') || '-01' as date)
          and rep.role_start_date > cast(left(quarter, 4) || '-' || lpad(cast((cast(right(quarter, 1) as int) - 1) * 3 + 1
              as varchar), 2, '0') || '-01' as date) - interval 3 month
    """
    assert count(db, ramping) > 0
    mid_quarter = "select * from sales_reps where role = 'TAM' and not (day(role_start_date) = 1 and month(role_start_date) in (1, 4, 7, 10))"
    assert count(db, mid_quarter) > 0
    assert count(db, "select * from sales_reps where end_date is null") > 0
    assert scalar(db, "select min(ote_usd) from sales_reps") >= 180000
    assert scalar(db, "select max(ote_usd) from sales_reps") <= 300000


def test_quotas_cover_every_tam_and_quarter_of_the_data(db):
    quarters = scalar(db, "select count(distinct year(usage_month) * 10 + quarter(usage_month)) from usage")
    assert count(db, "select owner_id from quotas group by 1 having count(*) = " + str(quarters)) > 0
    assert (
        count(db, "select * from quotas where owner_id not in (select owner_id from sales_reps where role = 'TAM')")
        == 0
    )
    assert count(db, "select * from quotas where not regexp_matches(quarter, '^[0-9]{4}-Q[1-4]$')") == 0


def test_books_have_hand_overs_and_segments(db):
    assert count(db, "select * from account_owners where end_date < start_date") == 0
    assert count(db, "select organization_id from account_owners group by 1 having count(distinct owner_id) > 1") > 0
    segments = {row[0] for row in db.execute("select distinct segment from account_owners").fetchall()}
    assert {"AM Managed", "Leads"} <= segments


BOOK = """
    select owner.organization_id, owner.owner_id, owner.start_date, owner.end_date
    from account_owners as owner join sales_reps as rep using (owner_id)
    where owner.segment = 'AM Managed' and rep.role = 'TAM'
"""


def test_book_has_new_customers_starting_in_the_second_and_third_month_of_a_quarter(db):
    firsts = db.execute(
        f"""
        select distinct month(first_month) % 3 from (
            select organization_id, min(month) as first_month from revenue where net > 0 group by 1
        ) join ({BOOK}) using (organization_id)
        where first_month > (select min(month) from revenue)
        """
    ).fetchall()
    assert {2, 0} <= {row[0] for row in firsts}


def test_book_has_churned_and_annual_contract_accounts_above_and_below_run_rate(db):
    assert (
        count(
            db,
            f"select * from ({BOOK}) join billing_customers using (organization_id) "
            "join subscriptions using (billing_customer_id) where subscriptions.status = 'canceled'",
        )
        > 0
    )
    run_rates = db.execute(
        f"""
        select contract.contract_id, avg(revenue.net) > contract.credit_usd / contract.term_months as above
        from contracts as contract
        join ({BOOK}) as book on book.organization_id = contract.organization_id
        join revenue on revenue.organization_id = contract.organization_id
         and revenue.month >= contract.start_date and revenue.month < contract.start_date + interval 12 month
        where contract.payment_cadence_months = 12
        group by contract.contract_id, contract.credit_usd, contract.term_months
        """
    ).fetchall()
    # The run rate is the credit value per month (the list-price usage the contract prepaid).
    assert {above for _, above in run_rates} == {True, False}


def test_book_has_an_unowned_assignment_that_churns_within_three_months(db):
    grace = f"""
        with assigned as (
            select organization_id, min(start_date) as start_date from account_owners group by 1
        ),
        last_billed as (select organization_id, max(month) as last_month from revenue where revenue > 0 group by 1)
        select * from assigned join ({BOOK}) as book using (organization_id, start_date) join last_billed using (organization_id)
        where last_month >= start_date - interval 1 month and last_month < start_date + interval 3 month
          and last_month < (select max(month) from revenue)
          and start_date > (select min(month) from revenue)
    """
    assert count(db, grace) > 0


def test_book_has_an_approved_usage_optimization_with_a_drop(db):
    dropped = f"""
        with quarterly as (
            select organization_id, year(month) || '-Q' || quarter(month) as quarter,
                   date_trunc('quarter', month) as quarter_start, sum(net) as net
            from revenue group by all
        )
        select * from usage_optimizations as optimization
        join ({BOOK}) as book using (organization_id)
        join quarterly as current using (organization_id, quarter)
        join quarterly as previous
          on previous.organization_id = current.organization_id
         and previous.quarter_start = current.quarter_start - interval 3 month
        where optimization.approved and current.net < previous.net
    """
    assert count(db, dropped) > 0


def test_book_has_a_customer_whose_first_two_invoices_are_not_both_paid(db):
    unpaid = f"""
        with ranked as (
            select customer.organization_id, invoice.status,
                   row_number() over (partition by customer.organization_id order by invoice.period_start) as position
            from invoices as invoice join billing_customers as customer using (billing_customer_id)
            where invoice.invoice_type = 'usage' and invoice.status <> 'void' and invoice.total_usd > 0
        )
        select organization_id from ranked join ({BOOK}) using (organization_id)
        where position <= 2 group by organization_id having count(*) filter (where status = 'paid') < 2
    """
    assert count(db, unpaid) > 0


def test_opportunities_use_several_stages(db):
    stages = {row[0] for row in db.execute("select distinct stage from opportunities").fetchall()}
    assert len(stages) >= 4
    assert count(db, "select * from opportunities where stage = 'Closed Lost' and lost_reason is null") == 0


def test_personal_data_is_clearly_fake(db):
    assert count(db, "select * from billing_customers where email not like '%@example.com'") == 0
    assert count(db, "select * from sales_reps where not regexp_matches(name, '^Rep [0-9]{2}$')") == 0
    assert count(db, "select * from organizations where not regexp_matches(name, '^Company [0-9]{6,}$')") == 0


def test_population_grows_dips_in_december_is_heavy_tailed_and_small_customers_churn_more(tmp_path):
    generate(tmp_path, customers=3000, months=24, seed=2)
    con = duckdb.connect()
    for name in ("organizations", "invoices", "billing_customers"):
        con.execute(f"create table {name} as select * from read_csv('{tmp_path / name}.csv', header = true)")
    con.execute(
        """
        create table monthly as
        select customer.organization_id, invoice.period_start as month,
               sum(invoice.subtotal_usd - invoice.discount_usd) as net
        from invoices as invoice join billing_customers as customer using (billing_customer_id)
        where invoice.invoice_type = 'usage' and invoice.status <> 'void' and invoice.subtotal_usd > 0
        group by all
        """
    )
    signups = con.execute(
        """
        with window_start as (select min(month) as month from monthly)
        select count(*) filter (where created_at >= month + interval 12 month) / 12,
               count(*) filter (where created_at >= month and created_at < month + interval 12 month) / 12
        from organizations, window_start
        """
    ).fetchone()
    assert signups[0] > 1.2 * signups[1] > 0  # the second year signs up more than the first
    december = con.execute(
        """
        with total as (select month, sum(net) as net from monthly group by 1)
        select december.net / ((november.net + january.net) / 2)
        from total as december
        join total as november on november.month = december.month - interval 1 month
        join total as january on january.month = december.month + interval 1 month
        where month(december.month) = 12
        """
    ).fetchall()
    assert december and all(ratio < 0.95 for (ratio,) in december)
    top_share = con.execute(
        """
        with last_month as (
            select net, row_number() over (order by net desc) as position, count(*) over () as customers
            from monthly where month = (select max(month) from monthly)
        )
        select sum(net) filter (where position <= customers / 10) / sum(net) from last_month
        """
    ).fetchone()[0]
    assert top_share > 0.5
    churn = con.execute(
        """
        with first_year as (
            select organization_id, avg(net) as size from monthly
            where month < (select min(month) + interval 6 month from monthly) group by 1
        ),
        kept as (
            select organization_id, max(month) = (select max(month) from monthly) as still_billed
            from monthly group by 1
        )
        select avg(case when not still_billed then 1 else 0 end) filter (where size < 100),
               avg(case when not still_billed then 1 else 0 end) filter (where size >= 2000)
        from first_year join kept using (organization_id)
        """
    ).fetchone()
    assert churn[0] > 1.5 * churn[1]


def test_events_happen_in_order(db):
    late_customer = """
        select * from billing_customers as customer join organizations as org using (organization_id)
        where customer.created_at < org.created_at
    """
    assert count(db, late_customer) == 0
    invoice_before_customer = """
        select * from invoices join billing_customers as customer using (billing_customer_id)
        where invoices.created_at < customer.created_at
    """
    assert count(db, invoice_before_customer) == 0
    assert count(db, "select * from invoices where paid_at < created_at") == 0
    credit_after_invoice = """
        select * from credits as credit
        where credit.created_at >= credit.applies_to_month + interval 1 month
           or credit.created_at < credit.applies_to_month
    """
    assert count(db, credit_after_invoice) == 0


def test_no_account_is_in_two_am_books_on_the_same_day(db):
    overlapping = f"""
        select * from ({BOOK}) as one join ({BOOK}) as other
          on one.organization_id = other.organization_id and one.owner_id < other.owner_id
         and one.start_date <= coalesce(other.end_date, date '9999-12-31')
         and other.start_date <= coalesce(one.end_date, date '9999-12-31')
    """
    assert count(db, overlapping) == 0


# --------------------------------------------------------------------------------------------
# The revenue cases real billing data brings: a trialling child team, a credit without a dip,
# a second-month spike, startup credits applied after they expired (credit purchases as
# one-off invoices are checked with the contracts above)
# --------------------------------------------------------------------------------------------


def test_a_child_team_trials_while_its_parent_keeps_paying(db):
    parent_pays = """
        select * from trials as trial
        join organization_consolidations as merge on merge.organization_id = trial.organization_id
        join revenue as child
          on child.organization_id = trial.organization_id and child.month >= trial.start_month
         and child.month <= coalesce(trial.end_month, child.month)
        join revenue as parent
          on parent.organization_id = merge.parent_organization_id and parent.month = child.month
        where merge.reason = 'same_company' and child.revenue > 0 and parent.revenue > 2 * child.revenue
    """
    assert count(db, parent_pays) > 0


def test_a_qualifying_credit_that_does_not_push_the_month_below_the_month_before(db):
    dipless = f"""
        select * from ({CREDITS_BY_MONTH}) as credit join revenue_around using (organization_id, month)
        where credit.reason in {QUALIFYING} and credit.amount_usd >= 0.5 * prior_1 and prior_1 > 0
          and revenue >= prior_1 and next_1 >= (prior_1 + prior_2) / 2 and has_next
    """
    assert count(db, dipless) > 0


def test_a_spike_in_a_customers_second_month(db):
    second_month = """
        select * from revenue_around as around
        where prior_1 > 0 and revenue > 2 * prior_1 and revenue - prior_1 >= 1000
          and next_1 <= 0.5 * revenue and has_next
          and not exists (
            select 1 from revenue as earlier
            where earlier.organization_id = around.organization_id and earlier.month < around.month - interval 1 month)
    """
    assert count(db, second_month) > 0


def test_startup_credits_are_still_applied_after_they_expire(db):
    after_expiry = """
        select * from invoices join billing_customers using (billing_customer_id)
        where is_startup_plan and invoice_type = 'usage' and status <> 'void'
          and period_start > startup_credit_expires_on and credit_applied_usd > 0
    """
    assert count(db, after_expiry) > 0


def test_the_published_demo_is_what_the_documented_command_generates(tmp_path, capsys):
    """data/demo is `revops generate --out data/demo --months 36` with the other defaults (see the README)."""
    from revops import DEMO_DATA_DIR
    from revops.cli import main

    assert main(["generate", "--out", str(tmp_path), "--months", "36"]) == 0
    generated = sorted(path.name for path in tmp_path.iterdir())
    assert generated == sorted(path.name for path in DEMO_DATA_DIR.iterdir())
    for name in generated:
        assert (tmp_path / name).read_bytes() == (DEMO_DATA_DIR / name).read_bytes(), name


def test_quota_scenarios_change_contracts_pay_late_and_ramp_at_any_size(db):
    early_renewal = """
        select * from contracts as renewal
        join contracts as original on original.contract_id = renewal.replaces_contract_id
        where original.organization_id = renewal.organization_id
          and original.start_date < renewal.start_date
          and renewal.start_date < original.start_date + to_months(original.term_months)
    """
    assert count(db, early_renewal) > 0
    assert count(db, "select * from contracts where replaces_contract_id is not null") == count(db, early_renewal)
    coterminus = """
        select * from contracts as expansion join contracts as original using (organization_id)
        where original.start_date < expansion.start_date and expansion.replaces_contract_id is null
          and original.start_date + to_months(original.term_months)
            = expansion.start_date + to_months(expansion.term_months)
    """
    assert count(db, coterminus) > 0
    # A usage invoice of a quarter's last month paid after the 14th day of the next quarter.
    paid_late = """
        select * from invoices
        where invoice_type = 'usage' and status = 'paid' and month(period_start) % 3 = 0
          and paid_at >= period_start + interval 1 month + interval 14 day
    """
    assert count(db, paid_late) > 0
    starts = {row[0] for row in db.execute("select day(role_start_date) from sales_reps where role = 'TAM'").fetchall()}
    assert 10 in starts and 20 in starts
    promoted = """
        select * from sales_reps
        where is_team_lead and team_lead_since > role_start_date
          and team_lead_since <> date_trunc('quarter', team_lead_since)
    """
    assert count(db, promoted) == 1
    assert count(db, "select * from sales_reps where is_team_lead and team_lead_since is null") == 1
