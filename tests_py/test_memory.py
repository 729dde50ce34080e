"""DuckDB's memory limit and spill folder in a run (revops.memory)."""

from __future__ import annotations

import json
import threading
import time

import duckdb
import pytest

from revops import DEMO_DATA_DIR, pipeline
from revops.dbt_runner import invoke
from revops.errors import UsageError
from revops.memory import GIB, SpillWatcher, duckdb_setting, memory_limit_bytes
from revops.workspace import Workspace


@pytest.mark.parametrize(
    ("option", "machine", "expected"),
    [
        (None, 24 * GIB, 6 * GIB),  # a quarter of the machine
        (None, 4 * GIB, 2 * GIB),  # a quarter is 1 GiB: the 2 GiB floor
        (None, 2 * GIB, 1 * GIB),  # the floor is at most half the machine
        ("6GB", 24 * GIB, 6_000_000_000),
        ("4096MiB", 24 * GIB, 4 * GIB),
        ("40%", 10 * GIB, 4 * GIB),
        (" 1.5 gib ", 24 * GIB, int(1.5 * GIB)),
    ],
)
def test_the_memory_limit_is_read_as_a_size_or_a_share(option, machine, expected):
    assert memory_limit_bytes(option, machine) == expected


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("lots", "is not a size like 6GB, 4096MiB or 40%"),
        ("6", "is not a size like 6GB, 4096MiB or 40%"),
        ("100MiB", "give DuckDB at least 256MiB"),
        ("30GB", "is more than this machine's 24.0 GiB"),
        ("150%", "is more than this machine's 24.0 GiB"),
    ],
)
def test_an_impossible_memory_limit_is_refused(option, message):
    with pytest.raises(UsageError, match=message):
        memory_limit_bytes(option, 24 * GIB)


def test_duckdb_reads_the_setting_as_the_limit_in_bytes():
    connection = duckdb.connect()
    connection.execute(f"set memory_limit = '{duckdb_setting(3 * GIB)}'")
    assert connection.execute("select current_setting('memory_limit')").fetchone()[0] == "3.0 GiB"


def test_dbt_connections_take_the_runs_limit_and_spill_folder(tmp_path):
    spill = tmp_path / "spill"
    spill.mkdir()
    build_db = tmp_path / "build.duckdb"
    seen = (
        "create table main.settings_seen as select current_setting('memory_limit') as memory_limit, "
        "current_setting('temp_directory') as spill_dir"
    )
    invoke(
        ["run-operation", "run_query", "--args", json.dumps({"sql": seen})],
        db_path=build_db,
        data_dir=DEMO_DATA_DIR,
        target_path=tmp_path / "target",
        memory_limit="768MiB",
        spill_dir=spill,
    )
    with duckdb.connect(str(build_db), read_only=True) as connection:
        ((limit, spill_dir),) = connection.sql("select * from main.settings_seen").fetchall()
    # dbt runs from the build file's folder, so the spill folder is named relative to it.
    assert (limit, spill_dir) == ("768.0 MiB", "spill")


def test_a_build_that_spills_opens_its_next_connections(tmp_path):
    """Under a tight limit DuckDB spills during the first models; every later node opens a new
    connection, which must not try to set the spill folder again (DuckDB refuses that once it has
    been used, so a large run used to stop at its first spill)."""
    (tmp_path / "spill").mkdir()
    outcome = invoke(
        ["build", "--exclude-resource-type", "test", "unit_test"],
        db_path=tmp_path / "warehouse.duckdb",
        data_dir=DEMO_DATA_DIR,
        target_path=tmp_path / "target",
        memory_limit="64MiB",
        spill_dir=tmp_path / "spill",
    )
    assert outcome.counts.get("success", 0) > 100 and set(outcome.counts) <= {"success", "no-op"}, outcome.counts


def test_runs_in_different_build_folders_reuse_the_parsed_project(tmp_path):
    """Every run builds into a folder of its own; the profile must still render the same, or dbt
    parses the whole project again (about 10 CPU seconds) instead of only what changed."""
    target = tmp_path / "target"
    for run in ("first", "second"):
        (tmp_path / run / "spill").mkdir(parents=True)
        invoke(
            ["parse"],
            db_path=tmp_path / run / "warehouse.duckdb",
            data_dir=DEMO_DATA_DIR,
            target_path=target,
            memory_limit="2GiB",
            spill_dir=tmp_path / run / "spill",
        )
        log = (target / "logs" / "dbt.log").read_text()
        (target / "logs" / "dbt.log").unlink()
    assert "Partial parsing enabled" in log
    assert "Unable to do partial parsing" not in log


def test_a_run_given_no_target_folder_uses_its_own_and_leaves_its_files_in_the_projects(tmp_path, monkeypatch):
    """Two runs of the project at once (on different published files) must not write the same dbt
    files: a run given no target folder builds in one of its own, starting from the project's parsed
    project, and puts its files in the project's target/ when the build ends, each replaced whole."""
    project = tmp_path / "project"  # stands for the project's own target/ and logs/
    monkeypatch.setattr(pipeline, "PROJECT_DIR", project)
    logs = {}
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
        with Workspace(tmp_path / run / "revops.duckdb") as workspace:
            files = pipeline._DbtFiles.of(workspace, None)
            assert files.target.is_relative_to(workspace.build_dir) and files.logs == project / "logs"
            invoke(
                ["parse"],
                db_path=workspace.build_db,
                data_dir=DEMO_DATA_DIR,
                target_path=files.target,
                log_path=tmp_path / run / "logs",
            )
            files.share(print)
            for name in ("manifest.json", "partial_parse.msgpack"):
                assert (project / "target" / name).read_bytes() == (files.target / name).read_bytes(), name
            assert not [path.name for path in (project / "target").iterdir() if path.name.startswith(".")]
        logs[run] = (tmp_path / run / "logs" / "dbt.log").read_text()
    assert "Unable to do partial parsing" in logs["first"]  # the project had never been parsed
    assert "Partial parsing enabled" in logs["second"] and "Unable to do partial parsing" not in logs["second"]


def test_the_spill_watcher_sees_files_that_come_and_go(tmp_path):
    def spill_and_remove():
        time.sleep(0.15)
        (tmp_path / "block.tmp").write_bytes(b"x" * 300_000)
        time.sleep(0.3)
        (tmp_path / "block.tmp").unlink()

    with SpillWatcher(tmp_path, interval_seconds=0.05) as watcher:
        writer = threading.Thread(target=spill_and_remove)
        writer.start()
        writer.join()
    assert watcher.peak_bytes == 300_000
    assert not list(tmp_path.iterdir())
