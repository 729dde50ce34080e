"""The Spark builds the equivalence tests compare (tests_py/test_spark.py), in one process of their own.

    python tests_py/spark_builds.py --work DIR

tests_py/conftest.py starts it in the background as soon as pytest has collected a test that needs
it, so it runs while the rest of the suite does.

One Python process and one JVM for both builds: each stops its Spark session when done, and the
next starts a fresh one (its own folder, catalog and master) in the same JVM, which saves the JVM's
start-up. The Hive metastore's Derby takes its home folder from the JVM's start, so the build
that uses it comes first. Both build seeds and models only: the equivalence of the published
tables is their point, and Spark spends about a second per dbt node, so the project's unit and
data tests (about 1,150 nodes) would add some twenty minutes of CPU to the test command; they are
run on Spark by `revops run --engine spark` (README, "Running on Apache Spark"). In order:

1. generated, on a cluster: a generated company of a few thousand customers with its billing data
   as Stripe's tables (DIR/generated, `billing_source` stripe; with one optional file and one
   optional column left out, so both loaders fill them in: an empty table, a null column) built by
   plain dbt (`dbt build --target spark`: the on-disk Hive metastore, the
   loader reading the data folder) on a standalone cluster of one master and one worker (two cores) started
   on 127.0.0.1 from the installed pyspark and stopped afterwards; the published tables into
   DIR/generated-spark.duckdb, and the same models on DuckDB into DIR/generated-duckdb.duckdb.
2. demo: the path of `revops run --engine spark`, models only: the demo validated into a snapshot,
   seeds and models on Spark (local[*], the catalog in memory, the loader reading the snapshot),
   the published tables exported, read into a build file and published into DIR/demo-spark.duckdb
   by the same functions the run uses.

Every dbt warning is an error (DBT_WARN_ERROR, as `scripts/test` does for DuckDB). Writes
DIR/timings.json (seconds per step) and DIR/done when every build passed, and DIR/exit (its exit code)
when it ends. SIGTERM stops it cleanly (the cluster's processes are stopped too).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

import duckdb

from revops import DEMO_DATA_DIR
from revops.dbt_runner import environment, invoke
from revops.generate import generate
from revops.publish import input_fingerprint, publish
from revops.spark_bridge import contract_types, import_parquet_tables, spark_session_scope, spark_settings
from revops.spark_cluster import standalone_cluster
from revops.validate import validate

MODELS_ONLY = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
GENERATED_CUSTOMERS = 3_000
GENERATED_MONTHS = 36


def generate_company(folder: Path) -> None:
    """A generated company with its billing data as Stripe's tables (the demo is in the project's own
    billing files), without usage_optimizations.csv and without the optional customer.email."""
    generate(folder, customers=GENERATED_CUSTOMERS, months=GENERATED_MONTHS, seed=11, billing_format="stripe")
    (folder / "usage_optimizations.csv").unlink()
    customers = folder / "customer.csv"
    without_email = duckdb.sql(f"select * exclude (email) from read_csv('{customers}', all_varchar = true)")
    without_email.write_csv(str(folder / "customer.tmp.csv"))
    (folder / "customer.tmp.csv").replace(customers)


def models_on_spark(
    data_dir: Path | None,
    build_db: Path,
    work: Path,
    *,
    master: str | None = None,
    catalog: str | None = None,
    snapshot_dir: Path | None = None,
    billing_source: str = "billing",
) -> None:
    """Seeds and models on Spark from the input folder (or the validator's snapshot), then the
    published tables into `build_db`."""
    target = work / "target"
    settings = spark_settings(work / "spark", master=master, catalog=catalog)
    with environment(settings), spark_session_scope():
        invoke(
            ["build", "--target", "spark", *MODELS_ONLY],
            db_path=build_db,
            data_dir=data_dir,
            snapshot_dir=snapshot_dir,
            target_path=target,
            billing_source=billing_source,
        )
        arguments = json.dumps({"directory": str(work / "export")})
        invoke(
            ["run-operation", "export_published_tables", "--target", "spark", "--args", arguments],
            db_path=build_db,
            target_path=target,
            billing_source=billing_source,
        )
    import_parquet_tables(work / "export", build_db, contract_types(target / "manifest.json"))


def demo_models_on_spark(work: Path) -> None:
    """The demo as `revops run --engine spark` builds it (snapshot, catalog in memory, export,
    import, publish), models only, published into DIR/demo-spark.duckdb."""
    snapshot, build_db, spark_work = work / "demo-inputs", work / "demo-build.duckdb", work / "demo-spark"
    fingerprint = input_fingerprint(DEMO_DATA_DIR)
    validate(DEMO_DATA_DIR, snapshot_dir=snapshot)
    models_on_spark(None, build_db, spark_work, catalog="in-memory", snapshot_dir=snapshot)
    publish(
        build_db,
        work / "demo-spark.duckdb",
        fingerprint=fingerprint,
        manifest_path=spark_work / "target" / "manifest.json",
    )


def main(work: Path) -> int:
    generated = work / "generated"
    timings: dict[str, float] = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds: sessions and cluster stopped
    os.environ["DBT_WARN_ERROR"] = "true"

    started = time.perf_counter()
    generate_company(generated)
    timings["generated: generate"] = time.perf_counter() - started

    started = time.perf_counter()
    invoke(
        ["build", *MODELS_ONLY],
        db_path=work / "generated-duckdb.duckdb",
        data_dir=generated,
        target_path=work / "generated-duckdb-target",
        billing_source="stripe",
    )
    timings["generated: models on DuckDB"] = time.perf_counter() - started

    started = time.perf_counter()
    # One worker with both cores: the driver and the executor are still separate JVMs talking over the
    # network (the distributed path), and the executors' start-up and compilation are paid once, not
    # twice (measured alone: 167 s and 297 CPU s against 204 s and 374 CPU s with two 1-core workers).
    with standalone_cluster(work / "cluster", workers=1, cores=2) as master:
        timings["generated: cluster start"] = time.perf_counter() - started
        models_on_spark(
            generated, work / "generated-spark.duckdb", work / "generated-spark", master=master, billing_source="stripe"
        )
    timings["generated: models on the Spark cluster, with its start and stop"] = time.perf_counter() - started

    started = time.perf_counter()
    demo_models_on_spark(work)
    timings["demo: validate, models on Spark local[*], publish"] = time.perf_counter() - started

    (work / "timings.json").write_text(json.dumps(timings, indent=2))
    (work / "done").touch()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    work = parser.parse_args().work.resolve()
    code = 1
    try:
        code = main(work)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        # For the pytest processes that did not start it; whole or absent, never half-written.
        (work / "exit.tmp").write_text(str(code))
        os.replace(work / "exit.tmp", work / "exit")
    sys.exit(code)
