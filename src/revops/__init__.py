"""revops: validate raw billing and CRM exports, build the warehouse with dbt, publish and export it.

The package orchestrates; every metric lives in the dbt project's SQL.
"""

import os
import warnings
from pathlib import Path

# Nothing calls the network at run time: dbt's usage tracking and
# great-expectations' analytics are off before either is imported.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
# pyspark (the Spark engine) warns on import that it does not fully support pandas 3; revops never
# hands pandas to Spark.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

__version__ = "0.1.0"

# The dbt project root: the repository checkout this package is installed from.
PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_DATA_DIR = PROJECT_DIR / "data" / "demo"
