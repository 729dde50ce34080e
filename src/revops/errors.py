"""The one exception type whose message is meant for a person, printed without a trace."""


class RevopsError(Exception):
    """A problem with the user's input or set-up, explained in plain words.

    `problems` holds one readable sentence per problem; `str()` joins them.
    """

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
