"""The Spark builds the equivalence tests compare (tests_py/test_spark.py), in one process of their own.

    python tests_py/spark_builds.py --work DIR --generated INPUT_DIR

One Python process and one JVM for all of them: each build stops its Spark session when done, and
the next starts a fresh one (its own folder, catalog and master) in the same JVM, which saves the
JVM's start-up. In order:

1. demo: `revops run --engine spark` on the demo data (validate; every seed, model, unit test and
   data test on Spark; publish) into DIR/demo-spark.duckdb, exactly as the command does.
2. generated: the company in INPUT_DIR, read from its folder by plain dbt (`dbt build --target
   spark`, the on-disk Hive metastore), models only, then the published tables into
   DIR/generated-spark.duckdb; the same models on DuckDB into DIR/generated-duckdb.duckdb.
3. cluster: the demo, models only, on a standalone cluster of one master and two workers started
   on 127.0.0.1 from the installed pyspark and stopped afterwards, into DIR/cluster-spark.duckdb.

Writes DIR/timings.json (seconds per step). Exit code 0 when every build passed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from revops import DEMO_DATA_DIR
from revops.dbt_runner import environment, invoke
from revops.pipeline import run
from revops.spark_bridge import contract_types, import_parquet_tables, spark_session_scope, spark_settings
from revops.spark_cluster import standalone_cluster

MODELS_ONLY = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def models_on_spark(
    data_dir: Path, build_db: Path, work: Path, *, master: str | None = None, catalog: str | None = None
) -> None:
    """Seeds and models on Spark from the input folder, then the published tables into `build_db`."""
    target = work / "target"
    settings = spark_settings(work / "spark", master=master, catalog=catalog)
    with environment(settings), spark_session_scope():
        invoke(["build", "--target", "spark", *MODELS_ONLY], db_path=build_db, data_dir=data_dir, target_path=target)
        arguments = json.dumps({"directory": str(work / "export")})
        invoke(
            ["run-operation", "export_published_tables", "--target", "spark", "--args", arguments],
            db_path=build_db,
            target_path=target,
        )
    import_parquet_tables(work / "export", build_db, contract_types(target / "manifest.json"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--generated", type=Path, required=True)
    arguments = parser.parse_args()
    work = arguments.work.resolve()
    timings: dict[str, float] = {}

    started = time.perf_counter()
    run(DEMO_DATA_DIR, work / "demo-spark.duckdb", progress=print, target_path=work / "demo-target", engine="spark")
    timings["demo: revops run --engine spark"] = time.perf_counter() - started

    started = time.perf_counter()
    models_on_spark(arguments.generated, work / "generated-spark.duckdb", work / "generated-spark")
    timings["generated: models on Spark"] = time.perf_counter() - started
    started = time.perf_counter()
    invoke(
        ["build", *MODELS_ONLY],
        db_path=work / "generated-duckdb.duckdb",
        data_dir=arguments.generated,
        target_path=work / "generated-duckdb-target",
    )
    timings["generated: models on DuckDB"] = time.perf_counter() - started

    started = time.perf_counter()
    with standalone_cluster(work / "cluster", workers=2) as master:
        timings["cluster: start"] = time.perf_counter() - started
        models_on_spark(DEMO_DATA_DIR, work / "cluster-spark.duckdb", work / "cluster-spark", master=master)
    timings["cluster: models on Spark, with start and stop"] = time.perf_counter() - started

    (work / "timings.json").write_text(json.dumps(timings, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
