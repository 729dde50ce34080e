"""A run's private files beside the published one: a lock, a build folder, and the leftovers of
killed runs.

One run at a time per published file. `Workspace(db_path)` is a context manager: entering it
takes an exclusive lock on `.NAME.lock` beside the published file NAME (`flock`, so the system
releases it when the process dies, even by `kill -9`), removes what killed runs left behind, and
creates this run's build folder `.NAME.build-<pid>/` (the build database, dbt's spill files and the
validated input snapshot). Leaving it removes the folder and the lock. A second run on the same
file stops at once with a message naming the run that holds it.

Leftovers are `.NAME.build-<pid>` folders, `.NAME.publishing-<pid>` files (see `revops.publish`)
and the single `.NAME.build.duckdb` of earlier versions. Only the lock holder removes them, so a
live run's files are never touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

from revops.errors import RevopsError


class Workspace:
    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        name = self.db_path.name
        self.lock_path = self.db_path.with_name(f".{name}.lock")
        self.build_dir = self.db_path.with_name(f".{name}.build-{os.getpid()}")
        self._leftover = re.compile(rf"\.{re.escape(name)}\.(build-\d+|publishing-\d+(\.wal)?|build\.duckdb(\.wal)?)")
        self._lock_fd: int | None = None
        self.memory_limit: str | None = None  # DuckDB's memory_limit for this run's connections
        self.removed: list[str] = []  # the leftovers this run cleaned up

    @property
    def build_db(self) -> Path:
        """The build database. Its name is the catalog's name in DuckDB, so it is fixed and plain
        (a published file named `o'brien.duckdb` must not become a catalog named `o'brien`)."""
        return self.build_dir / "warehouse.duckdb"

    @property
    def snapshot_dir(self) -> Path:
        return self.build_dir / "inputs"

    @property
    def spill_dir(self) -> Path:
        """Where DuckDB writes what does not fit in the memory limit (see `revops.memory`)."""
        return self.build_dir / "spill"

    def __enter__(self) -> Workspace:
        self._lock_fd = self._lock()
        try:
            self.removed = self._remove_leftovers()
            self.build_dir.mkdir()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            shutil.rmtree(self.build_dir, ignore_errors=True)
        finally:
            self._unlock()

    def _lock(self) -> int:
        while True:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another run"
                os.close(fd)
                raise RevopsError(
                    f"{self.db_path} is being built by another revops run ({holder}); "
                    "wait for it to finish, or stop it, and run again."
                ) from None
            # The previous holder removes the lock file as it leaves: a lock taken on a removed
            # file guards nothing, so take it again on the file now at the path.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, started {started}\n".encode(), 0)
        return fd

    def _unlock(self) -> None:
        if self._lock_fd is None:
            return
        try:
            # While still holding it (see _lock). A lock file left behind (a folder that turned
            # read-only) is harmless: closing releases the lock.
            with contextlib.suppress(OSError):
                self.lock_path.unlink(missing_ok=True)
        finally:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _remove_leftovers(self) -> list[str]:
        removed = []
        for entry in sorted(self.db_path.parent.iterdir()):
            if not self._leftover.fullmatch(entry.name):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry.name)
        return removed
