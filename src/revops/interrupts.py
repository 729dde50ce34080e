"""Which interrupt a command received, so that it wins over whatever failure it caused.

Ctrl-C (SIGINT) and SIGTERM raise a `KeyboardInterrupt` in the main thread, which dbt needs to shut down
cleanly. dbt may then report the interrupt as some other failure (a connection it closed while a node was
running, for example); the runner asks `raise_if_received()` first, so the command still ends with the
interrupt's exit code (130, or 143 for SIGTERM) rather than as a failed build.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


class Stopped(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (dbt shuts down cleanly on KeyboardInterrupt) with its own exit code."""

    exit_code = 143


_received: KeyboardInterrupt | None = None


def raise_if_received() -> None:
    """Raise again the interrupt this process received, if any."""
    if _received is not None:
        raise _received


@contextlib.contextmanager
def recorded() -> Iterator[None]:
    """For the block: SIGINT raises KeyboardInterrupt and SIGTERM raises `Stopped`, each remembered."""

    def interrupt(signal_number: int, _frame: object) -> None:
        global _received
        _received = Stopped() if signal_number == signal.SIGTERM else KeyboardInterrupt()
        raise _received

    try:
        previous = {number: signal.signal(number, interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
