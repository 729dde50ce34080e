"""The one exception type whose message is meant for a person, printed without a trace."""


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
