"""The input contract is declared once, on the source columns; the staging models' dbt `relationships`
tests (which guard a plain `dbt build`, where no validator runs) must say the same."""

from __future__ import annotations

import re

import yaml

from revops import PROJECT_DIR, contract


def staging_relationships() -> set[tuple[str, str, str, str]]:
    """(model, column, parent model, parent column) of every relationships test in the staging YAML."""
    found = set()
    for path in (PROJECT_DIR / "models" / "staging").glob("*/_*__models.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            for column in model.get("columns", []):
                for test in column.get("data_tests") or []:
                    if isinstance(test, dict) and "relationships" in test:
                        arguments = test["relationships"]["arguments"]
                        parent = re.fullmatch(r"ref\('(\w+)'\)", arguments["to"]).group(1)
                        found.add((model["name"], column["name"], parent, arguments["field"]))
    return found


def test_every_declared_relationship_is_also_a_staging_test():
    tables = contract.tables()
    declared = {
        (
            f"stg_{tables[rel.table].source}__{rel.table}",
            rel.column,
            f"stg_{tables[rel.parent].source}__{rel.parent}",
            rel.parent_column,
        )
        for rel in contract.relationships()
    }
    tested = staging_relationships()
    assert len(declared) >= 20
    assert declared - tested == set()


def test_every_staging_relationship_to_an_input_is_declared_on_the_source():
    tables = contract.tables()
    declared = {(rel.table, rel.column, rel.parent, rel.parent_column) for rel in contract.relationships()}
    inputs = {f"stg_{table.source}__{name}": name for name, table in tables.items()}
    tested = {
        (inputs[model], column, inputs[parent], field)
        for model, column, parent, field in staging_relationships()
        if model in inputs and parent in inputs
    }
    assert tested - declared == set()
