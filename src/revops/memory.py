"""How much memory DuckDB may take in a run, and where it spills the rest.

DuckDB's own default is 80 % of the machine's memory, so a large run takes the machine, and on a
smaller one it fails. `revops run` sets a limit instead (`--memory-limit`, default a quarter of the
machine's memory, at least 2 GiB) for every DuckDB connection of the run, the validator's and
dbt's, and gives them a spill folder inside the run's build folder: what does not fit is written
there and read back, slower but finished, and removed with the build folder. `SpillWatcher` notes
how much was spilled at most, for the progress output.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from revops.errors import UsageError

GIB = 1024**3
DEFAULT_SHARE = 0.25
DEFAULT_FLOOR_BYTES = 2 * GIB
_UNITS = {"kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4, "kib": 1024, "mib": 1024**2, "gib": GIB}
_UNITS["tib"] = 1024**4
_LIMIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|[kmgt]i?b)\s*$", re.IGNORECASE)


def machine_memory_bytes() -> int:
    """The machine's physical memory (or the cgroup limit of the container, when lower)."""
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    try:
        text = Path("/sys/fs/cgroup/memory.max").read_text().strip()
    except OSError:
        return physical
    return min(physical, int(text)) if text.isdigit() else physical


def memory_limit_bytes(option: str | None, machine_bytes: int | None = None) -> int:
    """The limit in bytes for `--memory-limit` (None: the default). Raises UsageError for a value
    that is not a size like 6GB, 4096MiB or 40% of the machine, or is under 256 MiB."""
    machine = machine_bytes or machine_memory_bytes()
    if option is None:
        return max(int(machine * DEFAULT_SHARE), min(DEFAULT_FLOOR_BYTES, machine // 2))
    found = _LIMIT.match(option)
    if not found:
        raise UsageError(f"--memory-limit {option!r} is not a size like 6GB, 4096MiB or 40%.")
    number, unit = float(found.group(1)), found.group(2).lower()
    limit = int(machine * number / 100) if unit == "%" else int(number * _UNITS[unit])
    if limit < 256 * 1024**2:
        raise UsageError(f"--memory-limit {option}: give DuckDB at least 256MiB.")
    if limit > machine:
        raise UsageError(f"--memory-limit {option} is more than this machine's {describe(machine)}.")
    return limit


def duckdb_setting(limit_bytes: int) -> str:
    """The limit as DuckDB's `memory_limit` setting reads it."""
    return f"{limit_bytes // 1024**2}MiB"


def describe(size_bytes: float) -> str:
    return f"{size_bytes / GIB:.1f} GiB" if size_bytes >= GIB else f"{size_bytes / 1024**2:.0f} MiB"


class SpillWatcher:
    """Samples the size of the spill folder twice a second while a block runs; `peak_bytes` is the
    largest it saw. DuckDB removes its spill files as soon as a query no longer needs them, so the
    folder is empty after the block and only sampling can tell how much it held."""

    def __init__(self, folder: Path, interval_seconds: float = 0.5) -> None:
        self.folder = Path(folder)
        self.interval_seconds = interval_seconds
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="revops-spill-watcher", daemon=True)

    def __enter__(self) -> SpillWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            self._sample()

    def _sample(self) -> None:
        total = 0
        for entry in os.scandir(self.folder) if self.folder.is_dir() else ():
            try:
                total += entry.stat(follow_symlinks=False).st_size
            except OSError:  # removed between listing and stat
                continue
        self.peak_bytes = max(self.peak_bytes, total)
