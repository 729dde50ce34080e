"""docs/input.md is written from the source definitions by scripts/input-docs: the committed page must be
what the generator writes now, name every table and column of the contract, and a second source declared
the same way must appear without a change to the generator."""

from __future__ import annotations

from pathlib import Path

from revops import contract, input_docs

SECOND_SOURCE = """
version: 2
sources:
  - name: payments
    description: Another billing system's export.
    schema: raw
    tables:
      - name: payment_customer
        description: One row per customer of the payment system.
        meta: {required: false, key: [id]}
        columns:
          - name: id
            data_type: varchar
          - name: currency
            data_type: varchar
            data_tests:
              - accepted_values:
                  arguments: {values: [usd, eur]}
          - name: balance
            data_type: integer
            description: The balance in the currency's minor unit.
            meta: {nullable: true, min: 0, rule: balances are zero or more, metadata_key: organization_id}
          - name: invoice_id
            data_type: varchar
            meta: {references: invoices.invoice_id}
"""


def test_the_committed_page_is_up_to_date():
    committed = input_docs.DOC_PATH.read_text()
    assert committed == input_docs.render(), "docs/input.md is stale: run scripts/input-docs and commit it"


def test_the_page_names_every_table_and_column():
    page = input_docs.render()
    for table in contract.tables().values():
        assert f"\n### {table.name}\n" in page
        for column in table.columns:
            assert f"| `{column.name}` | {column.data_type} |" in page


def test_the_page_states_the_declared_rules():
    page = input_docs.render()
    # A key, an accepted-values list, a relationship, a range with its reason, an ordered pair, a
    # seed's values, a month column and an optional column, as the contract declares them.
    assert "| [`usage`](#usage) | required | `organization_id`, `product_key`, `usage_month` |" in page
    assert "one of `draft`, `open`, `paid`, `void`, `uncollectible`" in page
    assert "must be in [`invoices`](#invoices).`invoice_id`" in page
    assert "at least 0: usage units are zero or more" in page
    assert "not before `period_start`" in page
    assert "`Promo Credit`" in page and "(the credit reasons seed)" in page
    assert "| `applies_to_month` | date | yes | a month |" in page
    assert "| `note` | varchar | may be empty, may be absent |" in page


def test_a_second_source_is_picked_up_without_a_code_change(tmp_path: Path):
    second = tmp_path / "_payments__sources.yml"
    second.write_text(SECOND_SOURCE)
    page = input_docs.render([*contract.SOURCE_FILES, second])
    assert "## Source `payments`" in page
    assert "| [`payment_customer`](#payment_customer) | optional | `id` | One row per customer" in page
    assert "\n### payment_customer\n" in page
    assert "| `currency` | varchar | yes | one of `usd`, `eur` |" in page
    assert (
        "| `balance` | integer | may be empty | at least 0: balances are zero or more; metadata_key: `organization_id` "
        "| The balance in the currency's minor unit. |"
    ) in page
    assert "| `invoice_id` | varchar | yes | must be in [`invoices`](#invoices).`invoice_id`" in page
    # The contract's own sources are still there, once.
    assert page.count("## Source `billing`") == 1


def test_the_check_option_tells_a_stale_page(tmp_path: Path, capsys):
    page = tmp_path / "input.md"
    page.write_text("# an old page\n")
    assert input_docs.main(["--out", str(page), "--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert input_docs.main(["--out", str(page)]) == 0
    assert input_docs.main(["--out", str(page), "--check"]) == 0
    assert page.read_text() == input_docs.render()
