"""The dbt docs site as one self-contained HTML file (`dbt docs generate --static`)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from revops import DEMO_DATA_DIR
from revops.dbt_runner import Progress, invoke
from revops.errors import RevopsError


def build_docs_site(db_path: Path, out_path: Path, progress: Progress | None = None) -> Path:
    """Write the docs site of the project, with the published file's catalog, to `out_path`.

    dbt reads the catalog (column types, table comments) from a private copy of the published
    file, so the published file itself is never opened for writing and readers holding it are
    not disturbed. The copy keeps the file's name: DuckDB names the catalog after it.
    """
    db_path, out_path = Path(db_path).resolve(), Path(out_path)
    if not db_path.exists():
        raise RevopsError(f"There is no published database at {db_path}: run `revops run` first.")
    with tempfile.TemporaryDirectory(prefix="revops-docs-") as work:
        copy = Path(work) / db_path.name
        shutil.copyfile(db_path, copy)
        target = Path(work) / "target"
        invoke(
            ["docs", "generate", "--static"],
            data_dir=DEMO_DATA_DIR,
            db_path=copy,
            target_path=target,
            progress=progress,
        )
        site = target / "static_index.html"
        if not site.exists():
            raise RevopsError(f"dbt docs generate --static wrote no {site.name}; see {target / 'logs'}.")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(site, out_path)
    return out_path
