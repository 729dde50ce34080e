"""The semantic layer: MetricFlow, run as an analyst would (`mf validate-configs`, `mf query`), against a
published file, returns the numbers of the published tables.

`mf` reads the semantic manifest from `<project>/target/`, so the test works on a private copy of the
dbt project (the models, macros and profile) to leave the checkout's target/ alone.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from revops import DEMO_DATA_DIR, PROJECT_DIR

BIN = Path(sys.executable).parent
PROJECT_FILES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "profiles")


@pytest.fixture(scope="module")
def semantic(published, tmp_path_factory) -> dict:
    """A private copy of the project, parsed against a copy of the published file; returns the environment."""
    root = tmp_path_factory.mktemp("semantic")
    project = root / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copyfile(source, project / name)
    db = root / "db" / published.name  # DuckDB names the catalog after the file: keep the name
    db.parent.mkdir()
    shutil.copyfile(published, db)
    env = {
        **os.environ,
        "DO_NOT_TRACK": "1",
        "REVOPS_DB_PATH": str(db),
        "REVOPS_DB_ACCESS_MODE": "read_only",
        "REVOPS_DATA_DIR": str(DEMO_DATA_DIR),
        "DBT_PROJECT_DIR": str(project),
        "DBT_PROFILES_DIR": str(project / "profiles"),
    }
    completed = subprocess.run(
        [str(BIN / "dbt"), "parse", "--quiet"], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert (project / "target" / "semantic_manifest.json").exists()
    return {"env": env, "project": project, "db": db, "root": root}


def mf(semantic: dict, *args: str) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    completed = subprocess.run(
        [str(BIN / "revops-mf"), *args],
        cwd=semantic["project"],
        env=semantic["env"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(f"mf {args[0]} took {time.perf_counter() - started:.1f} s")
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert "ERROR:" not in completed.stdout, completed.stdout[-4000:]
    return completed


def query(semantic: dict, name: str, metrics: list[str], group_by: list[str]) -> list[dict]:
    out = semantic["root"] / f"{name}.csv"
    mf(
        semantic,
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        ",".join(group_by),
        "--order",
        group_by[0],
        "--csv",
        str(out),
    )
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def cents(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


def test_the_semantic_layer_validates_against_the_published_file(semantic):
    # A dashboard holding the file open read-only does not block the semantic layer.
    with duckdb.connect(str(semantic["db"]), read_only=True):
        completed = mf(semantic, "validate-configs")
    assert "Successfully validated metrics against data warehouse" in completed.stdout


def test_mf_query_returns_the_published_numbers(semantic):
    rows = query(
        semantic,
        "monthly",
        ["mrr", "adjusted_mrr", "new_mrr", "churned_mrr", "lifecycle_mrr", "churn_rate_pct", "ndr_12m", "gdr_3m"],
        ["metric_time__month"],
    )
    by_month = {date.fromisoformat(row["metric_time__month"][:10]): row for row in rows}
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        mrr = connection.execute(
            "select month, sum(mrr_usd), sum(adjusted_mrr_usd) from marts.mrr_monthly group by month order by month"
        ).fetchall()
        lifecycle = connection.execute(
            "select month, new_mrr_usd, churned_mrr_usd, total_mrr_usd, churn_rate_pct "
            "from marts.lifecycle_components_monthly order by month"
        ).fetchall()
        ndr_12 = connection.execute(
            "select month, ndr from marts.retention_rolling_monthly where lookback_months = 12 order by month"
        ).fetchall()
        gdr_3 = connection.execute(
            "select month, gdr from marts.retention_rolling_monthly where lookback_months = 3 order by month"
        ).fetchall()
    assert set(by_month) == {month for month, _, _ in mrr}
    for month, total, adjusted in mrr:
        assert cents(by_month[month]["mrr"]) == total, month
        assert cents(by_month[month]["adjusted_mrr"]) == adjusted, month
    for month, new, churned, total, churn_rate in lifecycle:
        assert cents(by_month[month]["new_mrr"]) == new, month
        assert cents(by_month[month]["churned_mrr"]) == churned, month
        assert cents(by_month[month]["lifecycle_mrr"]) == total, month
        if churn_rate is not None:
            assert float(by_month[month]["churn_rate_pct"]) == pytest.approx(churn_rate, rel=1e-9), month
    for month, ndr in ndr_12:
        assert float(by_month[month]["ndr_12m"]) == pytest.approx(ndr, rel=1e-9), month
    for month, gdr in gdr_3:
        assert float(by_month[month]["gdr_3m"]) == pytest.approx(gdr, rel=1e-9), month


def test_mf_query_returns_quota_attainment_by_rep(semantic):
    metrics = ["tam_attainment", "tam_attainment_pct", "tam_commissionable_attainment", "tam_held_back_attainment"]
    rows = query(semantic, "quota", metrics, ["metric_time__quarter", "sales_rep"])
    with duckdb.connect(str(semantic["db"]), read_only=True) as connection:
        published = {
            (quarter_start, owner): values
            for quarter_start, owner, *values in connection.execute(
                "select quarter_start_month, owner_id, attainment_usd, attainment_pct, commissionable_attainment_usd, "
                "held_back_attainment_usd from marts.tam_quota_attainment_quarterly"
            ).fetchall()
        }
    found = {(date.fromisoformat(row["metric_time__quarter"][:10]), row["sales_rep"]): row for row in rows}
    assert set(found) == set(published)
    for key, (attainment, attainment_pct, commissionable, held_back) in published.items():
        row = found[key]
        if attainment is None:  # the first quarter of the data has no attainment
            assert row["tam_attainment"] == "" and row["tam_commissionable_attainment"] == "", key
            continue
        assert cents(row["tam_attainment"]) == attainment, key
        assert cents(row["tam_commissionable_attainment"]) == commissionable, key
        assert cents(row["tam_held_back_attainment"]) == held_back, key
        if attainment_pct is not None:
            assert float(row["tam_attainment_pct"]) == pytest.approx(attainment_pct, rel=1e-9), key
