"""Faults: a run killed with SIGKILL (no clean-up at all) at a random moment, and one killed while it
publishes, leave the published file intact; the next run removes their leftovers and succeeds.

Bounded in time: two killed runs of the small valid input and one complete run (about a minute and a
half). The moments are drawn from a seeded generator, named in every assertion.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from revops.publish import input_fingerprint

SEED = 17
RUN_SECONDS = 35  # about one run of the small input on this machine: the first kill falls inside it


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start(data_dir: Path, db: Path, log: Path) -> subprocess.Popen:
    command = [str(Path(sys.executable).with_name("revops")), "run", "--data-dir", str(data_dir), "--db", str(db)]
    with log.open("w") as handle:
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=handle)


def _kill_after(process: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL the run after `seconds`; False when it ended before."""
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _kill_while_publishing(process: subprocess.Popen, db: Path, rng: random.Random) -> bool:
    """SIGKILL the run once the new file is being written beside the published one."""
    deadline = time.monotonic() + 300
    while not list(db.parent.glob(f".{db.name}.publishing-*")):
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return _kill_after(process, rng.uniform(0.0, 0.05))


def _assert_intact(db: Path, before: str, data_dir: Path, context: str) -> None:
    """Byte for byte the file it was, or (killed after the atomic move) a complete new warehouse."""
    if _digest(db) == before:
        return
    with duckdb.connect(str(db), read_only=True) as connection:
        (fingerprint,) = connection.execute("select input_fingerprint from meta.build_info").fetchone()
        (rows,) = connection.execute("select count(*) from marts.mrr_monthly").fetchone()
    assert fingerprint == input_fingerprint(data_dir) and rows > 0, context


def test_killed_runs_leave_the_published_file_intact_and_the_next_run_succeeds(valid_inputs, published, tmp_path):
    folder = tmp_path / "published"
    folder.mkdir()
    db = folder / "revops.duckdb"
    shutil.copyfile(published, db)
    rng = random.Random(SEED)
    log = tmp_path / "run.log"

    moment = rng.uniform(0.5, RUN_SECONDS)
    before = _digest(db)
    killed = _kill_after(_start(valid_inputs, db, log), moment)
    _assert_intact(db, before, valid_inputs, f"killed after {moment:.1f} s (seed {SEED}): {killed}")

    before = _digest(db)
    process = _start(valid_inputs, db, log)
    killed = _kill_while_publishing(process, db, rng)
    _assert_intact(db, before, valid_inputs, f"killed while publishing (seed {SEED}): {killed}")

    final = subprocess.run(
        [str(Path(sys.executable).with_name("revops")), "run", "--data-dir", str(valid_inputs), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert final.returncode == 0, final.stderr[-3000:]
    assert "Traceback" not in final.stderr
    assert sorted(path.name for path in folder.iterdir()) == ["revops.duckdb"]
    with duckdb.connect(str(db), read_only=True) as connection:
        (fingerprint,) = connection.execute("select input_fingerprint from meta.build_info").fetchone()
    assert fingerprint == input_fingerprint(valid_inputs)
