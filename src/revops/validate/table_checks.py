"""The rules that need a whole table or several, checked in DuckDB: unique keys, numbers the
warehouse's types hold, ids that look like email addresses, orphans, invoice subtotals against their
lines, refunds against their invoice, contract prices and renewals, consolidation cycles."""

from __future__ import annotations

import duckdb

from revops import contract
from revops.validate.currencies import (
    account_currency_problems,
    contract_currency_problems,
    contract_rate_problems,
    missing_rate_problems,
)
from revops.validate.inputs import Input
from revops.validate.rules import (
    DISCOUNT_DECIMALS,
    EMAIL,
    MAX_AMOUNT_USD,
    MAX_COLUMN_TOTAL_USD,
    MAX_EXAMPLES,
    MAX_INTEGER,
    MAX_MINOR_UNITS,
    MAX_UNITS,
)
from revops.validate.sentences import article, join_words, quote, sql_rule


def key_problems(connection: duckdb.DuckDBPyConnection, found: Input) -> list[str]:
    """Every key column filled, and no key (or key combination) twice."""
    key = found.table.key
    if not key or not found.has(*key) or not found.rows:
        return []
    problems: list[str] = []
    for column in key:
        problems += sql_rule(
            connection,
            found,
            column,
            f"no {column} (it is {'the' if len(key) == 1 else 'part of the'} key, so it must be filled)",
            f'select rowid from {found.sql_name} where "{column}" is null',
            show=(),
        )
    columns = ", ".join(f'"{column}"' for column in key)
    filled = " and ".join(f'"{column}" is not null' for column in key)
    duplicates = connection.execute(
        f"""
        with repeated as (
            select {columns}, min(rowid) as first_rowid
            from {found.sql_name}
            where {filled}
            group by all
            having count(*) > 1
        ),
        shown as (
            select * from repeated order by first_rowid limit {MAX_EXAMPLES}
        )
        select
            (select count(*) from repeated) as values_repeated,
            {", ".join(f'shown."{column}"' for column in key)},
            list(rows.rowid order by rows.rowid)[1:{MAX_EXAMPLES + 1}]
        from shown
        inner join {found.sql_name} as rows
            on {" and ".join(f'rows."{column}" = shown."{column}"' for column in key)}
        group by {", ".join(f'shown."{column}"' for column in key)}, shown.first_rowid
        order by shown.first_rowid
        """
    ).fetchall()
    if not duplicates:
        return problems
    count = duplicates[0][0]
    examples = []
    for row in duplicates:
        values, rowids = row[1:-1], row[-1]
        numbers = [str(number) for number in found.numbers(rowids[:MAX_EXAMPLES])]
        lines = numbers + (["..."] if len(rowids) > MAX_EXAMPLES else [])
        shown = quote(values[0]) if len(values) == 1 else "(" + ", ".join(quote(value) for value in values) + ")"
        examples.append(f"{shown} on {found.unit}s {join_words(lines)}")
    if len(key) == 1:
        subject = f"{count:,} {key[0]} {'value appears' if count == 1 else 'values appear'}"
        return [
            *problems,
            f"{found.file}, column {key[0]}: {subject} more than once (must be unique), e.g. {', '.join(examples)}.",
        ]
    subject = f"{count:,} {'combination appears' if count == 1 else 'combinations appear'}"
    return [
        *problems,
        f"{found.file}, columns {', '.join(key)}: {subject} more than once (each combination must be unique), "
        f"e.g. {', '.join(examples)}.",
    ]


def magnitude_problems(connection: duckdb.DuckDBPyConnection, found: Input) -> list[str]:
    """Numbers the warehouse's types and sums hold (see the MAX_* constants)."""
    problems: list[str] = []
    for column in found.table.columns:
        if column.name not in found.present:
            continue
        name, value = column.name, f'revops_{column.data_type}("{column.name}")'
        if column.data_type == "decimal" and name.endswith("_usd"):
            limit = f"{MAX_AMOUNT_USD:,}"
            found_large = sql_rule(
                connection,
                found,
                name,
                f"{article(name)} of {limit} or more (the warehouse takes amounts below {limit})",
                f"select rowid from {found.sql_name} where abs({value}) >= {MAX_AMOUNT_USD}",
                show=(name,),
            )
            problems += found_large or _column_total_problems(connection, found, name)
        elif column.data_type == "double":
            problems += sql_rule(
                connection,
                found,
                name,
                f"{article(name)} of {MAX_UNITS:.0e} or more (the warehouse takes usage units below that)",
                f"select rowid from {found.sql_name} where abs({value}) >= {MAX_UNITS}",
                show=(name,),
            )
        elif column.data_type == "bigint":
            problems += sql_rule(
                connection,
                found,
                name,
                f"{article(name)} of {MAX_MINOR_UNITS:,} or more (the warehouse takes amounts below {MAX_AMOUNT_USD:,})",
                f"select rowid from {found.sql_name} where abs({value}) >= {MAX_MINOR_UNITS}",
                show=(name,),
            )
        elif column.data_type == "integer":
            problems += sql_rule(
                connection,
                found,
                name,
                f"{article(name)} outside -{MAX_INTEGER + 1:,} to {MAX_INTEGER:,} (the warehouse's whole numbers)",
                f"select rowid from {found.sql_name} where abs({value}) > {MAX_INTEGER}",
                show=(name,),
            )
    return problems


def _column_total_problems(connection: duckdb.DuckDBPyConnection, found: Input, name: str) -> list[str]:
    (total,) = connection.execute(
        f'select sum(abs(cast(revops_decimal("{name}") as double))) from {found.sql_name}'
    ).fetchall()[0]
    if total is None or total < MAX_COLUMN_TOTAL_USD:
        return []
    return [
        f"{found.file}, column {name}: the amounts add up to {total:,.2f}, more than the warehouse can sum "
        f"(it takes a column whose amounts add up to less than {MAX_COLUMN_TOTAL_USD:,})."
    ]


def email_id_problems(connection: duckdb.DuckDBPyConnection, found: Input) -> list[str]:
    """Ids are published; an email address is personal data. The lines are shown, not the addresses."""
    problems: list[str] = []
    for name in found.present:
        if name.endswith("_id"):
            problems += sql_rule(
                connection,
                found,
                name,
                f"{article(name)} that looks like an email address (personal data cannot be an id: it would be published)",
                f"select rowid from {found.sql_name} where contains(\"{name}\", '@') "
                f"and regexp_full_match(\"{name}\", '{EMAIL}')",
                show=(),
            )
    return problems


def cross_table_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], billing_source: str = "billing"
) -> list[str]:
    problems = _orphan_problems(connection, loaded, billing_source)
    invoices, lines = loaded.get("invoices"), loaded.get("invoice_line_items")
    if invoices and lines and invoices.has("invoice_id", "subtotal_usd") and lines.has("invoice_id", "amount_usd"):
        problems += _subtotal_problems(connection, invoices, lines)
    refunds = loaded.get("refunds")
    if refunds and lines and refunds.has("invoice_id", "product_key") and lines.has("invoice_id", "product_key"):
        problems += _refunded_product_problems(connection, refunds, lines)
    if refunds and invoices and refunds.has("invoice_id", "amount_usd") and invoices.has("invoice_id", "total_usd"):
        problems += _refunded_amount_problems(connection, refunds, invoices)
    consolidations = loaded.get("organization_consolidations")
    if consolidations and consolidations.has("organization_id", "parent_organization_id"):
        problems += _consolidation_problems(connection, consolidations)
    contracts = loaded.get("contracts")
    if contracts:
        problems += _contract_price_problems(connection, contracts)
        problems += _replaced_contract_problems(connection, contracts)
    problems += missing_rate_problems(connection, loaded, billing_source)
    problems += contract_rate_problems(connection, loaded)
    problems += account_currency_problems(connection, loaded, billing_source)
    problems += contract_currency_problems(connection, loaded, billing_source)
    return problems


def _orphan_problems(
    connection: duckdb.DuckDBPyConnection, loaded: dict[str, Input], billing_source: str = "billing"
) -> list[str]:
    problems: list[str] = []
    for relationship in contract.relationships(billing_source):
        child, column, parent, parent_column = (
            relationship.table,
            relationship.column,
            relationship.parent,
            relationship.parent_column,
        )
        if child in loaded and parent in loaded and loaded[child].has(column) and loaded[parent].has(parent_column):
            found = loaded[child]
            problems += sql_rule(
                connection,
                found,
                column,
                f"{article(column)} that is not in {loaded[parent].file}",
                f"""
                select rowid from {found.sql_name} as child
                where "{column}" is not null and not exists (
                    select 1 from {loaded[parent].sql_name} as parent
                    where parent."{parent_column}" = child."{column}"
                )
                """,
                show=(column,),
            )
    return problems


def _subtotal_problems(connection: duckdb.DuckDBPyConnection, invoices: Input, lines: Input) -> list[str]:
    """An invoice's subtotal is the exact sum of its lines' amounts as written, rounded to the cent
    once: lines may carry fractions of a cent (0.005 + 0.005 = 0.01), which rounding each line
    first would turn into 0.02."""
    return sql_rule(
        connection,
        invoices,
        "subtotal_usd",
        f"a subtotal_usd that is not the sum of its lines' amount_usd in {lines.file} (to the cent)",
        f"""
        with line_sums as (
            select invoice_id, sum(revops_exact(amount_usd)) as lines_usd,
                count(revops_decimal(amount_usd)) = count(*) as all_amounts_parse
            from {lines.sql_name}
            where invoice_id is not null
            group by invoice_id
        )
        select invoices.rowid
        from {invoices.sql_name} as invoices
        inner join line_sums on line_sums.invoice_id = invoices.invoice_id
        where line_sums.all_amounts_parse
            and round(revops_exact(invoices.subtotal_usd), 2) <> round(line_sums.lines_usd, 2)
        """,
        show=("invoice_id", "subtotal_usd"),
        extra=(
            "sum of lines",
            # In cents, or with the fraction of a cent the lines carry.
            f"""(select case when lines_usd = round(lines_usd, 2) then cast(cast(lines_usd as decimal(38, 2)) as varchar)
                    else rtrim(cast(lines_usd as varchar), '0') end
                from (select sum(revops_exact(amount_usd)) as lines_usd
                    from {lines.sql_name} as lines where lines.invoice_id = shown.invoice_id))""",
        ),
    )


def _refunded_product_problems(connection: duckdb.DuckDBPyConnection, refunds: Input, lines: Input) -> list[str]:
    return sql_rule(
        connection,
        refunds,
        "product_key",
        f"a product_key that its invoice has no line for in {lines.file}",
        f"""
        select rowid from {refunds.sql_name} as refunds
        where product_key is not null
            and exists (select 1 from {lines.sql_name} as lines where lines.invoice_id = refunds.invoice_id)
            and not exists (
                select 1 from {lines.sql_name} as lines
                where lines.invoice_id = refunds.invoice_id and lines.product_key = refunds.product_key
            )
        """,
        show=("invoice_id", "product_key"),
    )


def _refunded_amount_problems(connection: duckdb.DuckDBPyConnection, refunds: Input, invoices: Input) -> list[str]:
    """A refund returns money that was charged: more than the invoice's total would make revenue
    negative. Compared in cents, as the warehouse stores each refund and total."""
    return sql_rule(
        connection,
        refunds,
        "amount_usd",
        f"an amount_usd that, with the other refunds of its invoice, exceeds the invoice's total_usd in {invoices.file}",
        f"""
        with refunded as (
            select invoice_id, sum(revops_decimal(amount_usd)) as refunded_usd
            from {refunds.sql_name}
            where invoice_id is not null
            group by invoice_id
        )
        select refunds.rowid
        from {refunds.sql_name} as refunds
        inner join refunded on refunded.invoice_id = refunds.invoice_id
        inner join {invoices.sql_name} as invoices on invoices.invoice_id = refunds.invoice_id
        where round(refunded.refunded_usd, 2) > round(revops_decimal(invoices.total_usd), 2)
        """,
        show=("invoice_id", "amount_usd"),
        extra=(
            "invoice total",
            f"""(select min(invoices.total_usd) from {invoices.sql_name} as invoices
                where invoices.invoice_id = shown.invoice_id)""",
        ),
    )


def _contract_price_problems(connection: duckdb.DuckDBPyConnection, contracts: Input) -> list[str]:
    """price_usd = credit_usd x (1 - discount) to the cent, on the values the warehouse keeps, with
    room for the discount's rounding to DISCOUNT_DECIMALS places (half a unit of its last place,
    times the credit value)."""
    if not contracts.has("price_usd", "credit_usd", "discount"):
        return []
    rounding = f"0.{'0' * (DISCOUNT_DECIMALS - 1)}05"
    return sql_rule(
        connection,
        contracts,
        "discount",
        "a discount that does not agree with its price_usd and credit_usd "
        f"(price_usd must be credit_usd x (1 - discount) to the cent; give the discount with {DISCOUNT_DECIMALS} decimals)",
        f"""
        with typed as (
            select rowid, revops_decimal(price_usd) as price, revops_decimal(credit_usd) as credit,
                revops_fraction(discount) as discount
            from {contracts.sql_name}
        )
        select rowid from typed
        where abs(price - credit * (1 - discount)) > 0.01 + abs(credit) * {rounding}
        """,
        show=("price_usd", "credit_usd", "discount"),
    )


def _replaced_contract_problems(connection: duckdb.DuckDBPyConnection, contracts: Input) -> list[str]:
    """An early renewal replaces an earlier contract of the same organization (a contract it names
    that does not exist is an orphan, reported with the relationships)."""
    if not contracts.has("contract_id", "replaces_contract_id", "organization_id", "start_date"):
        return []
    replaced = f"""
        select renewal.rowid, renewal.organization_id as organization, replaced.organization_id as replaced_organization,
            revops_date(renewal.start_date) as starts, revops_date(replaced.start_date) as replaced_starts
        from {contracts.sql_name} as renewal
        inner join {contracts.sql_name} as replaced on replaced.contract_id = renewal.replaces_contract_id
    """
    other = "(select min(organization_id) from {0} as replaced where replaced.contract_id = shown.replaces_contract_id)"
    start = "(select min(start_date) from {0} as replaced where replaced.contract_id = shown.replaces_contract_id)"
    return [
        *sql_rule(
            connection,
            contracts,
            "replaces_contract_id",
            "a replaces_contract_id that names another organization's contract",
            f"select rowid from ({replaced}) where organization <> replaced_organization",
            show=("contract_id", "organization_id", "replaces_contract_id"),
            extra=("its organization_id", other.format(contracts.sql_name)),
        ),
        *sql_rule(
            connection,
            contracts,
            "replaces_contract_id",
            "a replaces_contract_id that names a contract that did not start earlier",
            f"select rowid from ({replaced}) where organization = replaced_organization and replaced_starts >= starts",
            show=("contract_id", "start_date", "replaces_contract_id"),
            extra=("its start_date", start.format(contracts.sql_name)),
        ),
    ]


def _consolidation_problems(connection: duckdb.DuckDBPyConnection, found: Input) -> list[str]:
    problems = sql_rule(
        connection,
        found,
        "parent_organization_id",
        "an organization that rolls up into itself",
        f"select rowid from {found.sql_name} where organization_id = parent_organization_id",
        show=("organization_id",),
    )
    in_cycles = connection.execute(
        f"""
        with recursive edges as (
            select organization_id as child, parent_organization_id as parent
            from {found.sql_name}
            where organization_id <> parent_organization_id
        ),
        reachable(start, node) as (
            select child, parent from edges
            union
            select reachable.start, edges.parent
            from reachable inner join edges on edges.child = reachable.node
        )
        select start from reachable where node = start order by start
        """
    ).fetchall()
    if not in_cycles:
        return problems
    members = {row[0] for row in in_cycles}
    rows = connection.execute(
        f"""select organization_id, parent_organization_id, rowid from {found.sql_name}
            where organization_id in (select unnest(?)) order by rowid desc""",
        [sorted(members)],
    ).fetchall()
    parents = {child: (parent, rowid) for child, parent, rowid in rows}  # the first row wins if repeated
    examples: list[str] = []
    seen: set[str] = set()
    for start in sorted(members):
        if start in seen or len(examples) == MAX_EXAMPLES:
            continue
        chain = [start]
        while (node := parents[chain[-1]][0]) not in chain and node in parents:
            chain.append(node)
        seen.update(chain)
        lines = found.numbers(sorted(parents[member][1] for member in chain))
        examples.append(
            " -> ".join(quote(organization) for organization in [*chain, node])
            + f" ({found.unit}s {join_words([str(line) for line in lines])})"
        )
    count = len(members)
    subject = "organization is" if count == 1 else "organizations are"
    problems.append(
        f"{found.file}, column parent_organization_id: {count:,} {subject} in a consolidation cycle "
        f"(a chain must end at an organization that rolls up into nothing), e.g. {'; '.join(examples)}."
    )
    return problems
