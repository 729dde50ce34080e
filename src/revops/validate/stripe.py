"""The checks of a Stripe input (`--billing-source stripe`) that the contract YAML cannot declare:
what the staging models resolve from metadata and the mapping file must land on something the
warehouse knows.

The resolution is the staging models' (models/staging/stripe), written again here in DuckDB so a
bad input is refused with a sentence before the build rather than failing a dbt test after it:

- a customer's organization: stripe_mapping.organization_id, else metadata `organization_id`, else
  the customer id; it must be in organizations;
- a line's product: the mapping of its price, else of its product, else the price's metadata
  `product_key`, else the product's, else the product name in lower case with spaces as
  underscores; it must be a catalogue key, `credits` or `ignore`;
- a credit's or refund's reason: the mapping, else metadata `reason`, else Other; it must be one
  of the credit reasons.

Each problem is one sentence naming the file, the rule, how many rows break it and a few of them.
"""

from __future__ import annotations

import duckdb

from revops import contract
from revops.validate.inputs import Input
from revops.validate.sentences import sql_rule

METADATA_TABLES = ("customer", "invoice", "price", "product", "customer_balance_transaction", "credit_note")


def _meta(found: Input, alias: str, key: str) -> str:
    """A metadata key's value as text (null without a metadata column)."""
    if not found.has("metadata"):
        return "cast(null as varchar)"
    return f"""json_extract_string({alias}.metadata, '$."{key}"')"""


def _values(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def stripe_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], *, already_wrong: bool
) -> list[str]:
    """One sentence per Stripe resolution problem; none are looked for when a file is already wrong
    (unparsed metadata or missing columns would only repeat it)."""
    problems = _metadata_problems(connection, loaded)
    if problems or already_wrong:
        return problems
    mapped = _Mapping(loaded.get("stripe_mapping"))
    return (
        _organization_problems(connection, loaded, mapped)
        + _product_problems(connection, loaded, mapped)
        + _reason_problems(connection, loaded, mapped)
        + _contract_problems(connection, loaded)
    )


class _Mapping:
    """SQL for a stripe_mapping value of a Stripe id (null without the file or the column)."""

    def __init__(self, mapping: Input | None):
        self.mapping = mapping

    def __call__(self, column: str, key_sql: str) -> str:
        if self.mapping is None or not self.mapping.has(column):
            return "cast(null as varchar)"
        return f"(select mapping.{column} from {self.mapping.sql_name} as mapping where mapping.stripe_id = {key_sql})"


def _organization_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], mapped: _Mapping
) -> list[str]:
    customers, invoices, organizations = loaded.get("customer"), loaded.get("invoice"), loaded.get("organizations")
    if not (customers and invoices and organizations):
        return []

    def organization(alias: str) -> str:
        return (
            f"coalesce({mapped('organization_id', f'{alias}.id')}, "
            f"{_meta(customers, alias, 'organization_id')}, {alias}.id)"
        )

    return sql_rule(
        connection,
        customers,
        "id",
        f"an organization not in {organizations.file} (stripe_mapping.organization_id, else metadata "
        "organization_id, else the customer id)",
        f"""select customer.rowid from {customers.sql_name} as customer
            where exists (select 1 from {invoices.sql_name} as invoice where invoice.customer_id = customer.id)
            and {organization("customer")} not in (select organization_id from {organizations.sql_name})""",
        show=("id",),
        # The examples are read again from the file, as `shown`.
        extra=("organization", f"{organization('shown')} as shown"),
    )


def _product_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], mapped: _Mapping) -> list[str]:
    lines, prices, products = loaded.get("invoice_line_item"), loaded.get("price"), loaded.get("product")
    if not (lines and prices and products):
        return []
    product_key = f"""coalesce(
        {mapped("product_key", "price.id")}, {mapped("product_key", "product.id")},
        {_meta(prices, "price", "product_key")}, {_meta(products, "product", "product_key")},
        replace(lower(trim(product.name)), ' ', '_'))"""
    known = _values((*contract.product_keys(), *contract.STRIPE_PRODUCT_KEYS))
    return sql_rule(
        connection,
        lines,
        "price_id",
        "a product that is not in the product catalogue, credits or ignore (stripe_mapping.product_key of "
        "the price or product, else metadata product_key of the price or product, else the product's name)",
        f"""select line.rowid from {lines.sql_name} as line
            inner join {prices.sql_name} as price on line.price_id = price.id
            inner join {products.sql_name} as product on price.product_id = product.id
            where {product_key} not in ({known})""",
        show=("price_id",),
    )


def _reason_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], mapped: _Mapping) -> list[str]:
    problems: list[str] = []
    reasons = _values(contract.credit_reasons())
    balance = loaded.get("customer_balance_transaction")

    def reason(found: Input, alias: str) -> str:
        return f"coalesce({mapped('reason', f'{alias}.id')}, {_meta(found, alias, 'reason')}, 'Other')"

    if balance:
        problems += sql_rule(
            connection,
            balance,
            "id",
            "a credit reason that is not one of the credit reasons (stripe_mapping.reason, else metadata reason)",
            f"""select credit.rowid from {balance.sql_name} as credit
                where credit.type = 'adjustment' and {reason(balance, "credit")} not in ({reasons})""",
            show=("id",),
            extra=("reason", f"{reason(balance, 'shown')} as shown"),
        )
    notes = loaded.get("credit_note")
    if notes:
        problems += sql_rule(
            connection,
            notes,
            "id",
            "a refund reason that is not one of the credit reasons (stripe_mapping.reason, else metadata reason)",
            f"select note.rowid from {notes.sql_name} as note where {reason(notes, 'note')} not in ({reasons})",
            show=("id",),
            extra=("reason", f"{reason(notes, 'shown')} as shown"),
        )
    return problems


def _contract_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input]) -> list[str]:
    """The contracts' billing accounts are Stripe customers (the contract YAML names the billing files)."""
    problems: list[str] = []
    contracts, customers = loaded.get("contracts"), loaded.get("customer")
    if not (contracts and customers):
        return problems
    for column in ("credits_billing_customer_id", "usage_billing_customer_id"):
        problems += sql_rule(
            connection,
            contracts,
            column,
            f"a {column} that is not a customer id in {customers.file}",
            f"""select rowid from {contracts.sql_name} as child where "{column}" is not null
                and "{column}" not in (select id from {customers.sql_name})""",
            show=(column,),
        )
    return problems


def _metadata_problems(connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input]) -> list[str]:
    problems: list[str] = []
    for name in METADATA_TABLES:
        found = loaded.get(name)
        if found and found.has("metadata"):
            problems += sql_rule(
                connection,
                found,
                "metadata",
                'a metadata that is not a JSON object of strings (such as {"organization_id": "org_1"})',
                f"""select rowid from {found.sql_name}
                    where metadata is not null
                    and (not coalesce(json_valid(metadata), false) or json_type(metadata) <> 'OBJECT')""",
                show=("metadata",),
            )
    return problems
