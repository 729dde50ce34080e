"""The exception types whose message is meant for a person, printed without a trace, and the one
line an operating-system error becomes."""

from __future__ import annotations


class RevopsError(Exception):
    """A problem with the user's input or set-up, explained in plain words.

    `problems` holds one readable sentence per problem; `str()` joins them.
    `exit_code` is what the command-line program exits with (2 for bad input).
    """

    exit_code = 1

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class InputError(RevopsError):
    """The input files break the data contract; nothing was built."""

    exit_code = 2


class UsageError(RevopsError):
    """The command line asks for something that cannot be done (an unknown variable, a bad month)."""

    exit_code = 2


def os_error_sentence(error: OSError) -> str:
    """An operating-system error (a read-only folder, a full disk, a file where a folder is needed)
    as one sentence naming the file."""
    reason = error.strerror or str(error) or type(error).__name__
    paths = [str(path) for path in (error.filename, error.filename2) if path is not None]
    return f"{reason}: {' -> '.join(paths)}." if paths else f"{reason}."


def database_error_sentence(error: Exception) -> str:
    """DuckDB's input/output and permission errors, which carry the operating system's reason
    ("IO Error: Could not write file ...: No space left on device"), on one line."""
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
    for prefix in ("TransactionContext Error: ", "Failed to commit: ", "IO Error: ", "Permission Error: "):
        text = text.removeprefix(prefix)
    return text.rstrip(".") + "."
