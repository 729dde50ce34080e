"""docs/rules.md names, for every rule, the models and tests that implement it: each name must exist in the
project (models, unit tests and singular data tests as the project's files declare them), each rule must
name at least one model and one unit test, and every variable it cites in brackets must be a project
variable. A renamed model or test then fails here instead of leaving the page pointing at nothing."""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from revops import PROJECT_DIR

RULES = PROJECT_DIR / "docs" / "rules.md"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CITATION = re.compile(r"^(Model|Unit tests|Data tests): (.+)$")


@cache
def project_names() -> dict[str, set[str]]:
    unit_tests = set()
    for path in (PROJECT_DIR / "models").rglob("*.yml"):
        for unit_test in (yaml.load(path.read_text(), Loader=LOADER) or {}).get("unit_tests") or []:
            unit_tests.add(unit_test["name"])
    return {
        "Model": {path.stem for path in (PROJECT_DIR / "models").rglob("*.sql")},
        "Unit tests": unit_tests,
        "Data tests": {path.stem for path in (PROJECT_DIR / "tests").rglob("assert_*.sql")},
    }


@cache
def rules() -> dict[str, dict[str, list[str]]]:
    """Each `###` rule of the page (and each section that cites names itself) with the names it cites, by kind."""
    found: dict[str, dict[str, list[str]]] = {}
    heading = None
    for line in RULES.read_text().splitlines():
        if line.startswith("## "):
            heading = line.removeprefix("## ")
        elif line.startswith("### "):
            heading = line.removeprefix("### ")
            found[heading] = {}
        elif (match := CITATION.match(line)) and heading is not None:
            found.setdefault(heading, {})[match.group(1)] = re.findall(r"`([^`]+)`", match.group(2))
    return found


def test_the_page_holds_the_rules():
    # Seven sections of one to eleven rules each.
    assert len(rules()) >= 30
    assert {f"## {number}." for number in range(1, 8)} <= {line[:5] for line in RULES.read_text().splitlines()}


@pytest.mark.parametrize("rule", list(rules()))
def test_every_rule_names_its_model_and_unit_tests(rule):
    citations = rules()[rule]
    assert citations.get("Model"), f"{rule}: no model named"
    assert citations.get("Unit tests"), f"{rule}: no unit test named"


def test_every_cited_name_exists_in_the_project():
    names = project_names()
    missing = [
        f"{rule}: {kind} {name}"
        for rule, citations in rules().items()
        for kind, cited in citations.items()
        for name in cited
        if name not in names[kind]
    ]
    assert missing == []


def test_every_unit_test_of_a_rule_model_is_cited():
    """A unit test added to a rule's model but left off the page would go unexplained."""
    cited = {name for citations in rules().values() for name in citations.get("Unit tests", [])}
    declared = project_names()["Unit tests"]
    assert declared - cited == set()


def test_every_cited_model_points_back_to_the_page():
    """The docs site's readers find the rule from the model: its description names docs/rules.md."""
    descriptions = {}
    for path in (PROJECT_DIR / "models").rglob("_*.yml"):
        for model in (yaml.load(path.read_text(), Loader=LOADER) or {}).get("models") or []:
            descriptions[model["name"]] = model.get("description", "")
    cited = {name for citations in rules().values() for name in citations.get("Model", [])}
    assert sorted(name for name in cited if "docs/rules.md" not in descriptions.get(name, "")) == []


def test_every_bracketed_variable_is_a_project_variable():
    variables = set(yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"])
    cited = set(re.findall(r"\[`(\w+)`", RULES.read_text())) | set(re.findall(r", `(\w+)`\]", RULES.read_text()))
    assert len(cited) >= 15
    assert cited - variables == set()
