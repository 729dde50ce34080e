"""One sentence per problem: the file, the column, the rule, how many rows and a few of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb

from revops.validate.rules import MAX_EXAMPLES, MAX_PROBLEMS

if TYPE_CHECKING:
    from revops.validate.inputs import Input


def capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    left_out = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"... and {left_out} more problems (the first {MAX_PROBLEMS} are listed)."]


def sql_rule(
    connection: duckdb.DuckDBPyConnection,
    found: Input,
    column: str,
    phrase: str,
    offending_rowids_sql: str,
    show: tuple[str, ...],
    extra: tuple[str, str] | None = None,
) -> list[str]:
    """A sentence for the rows whose rowids the query returns, or nothing when it returns none."""
    summary = connection.execute(
        f"""
        with offending as ({offending_rowids_sql})
        select count(*), min(rowid, {MAX_EXAMPLES}) from offending
        """
    ).fetchall()[0]
    if not summary[0]:
        return []
    return [row_sentence(connection, found, column, phrase, show, summary[0], summary[1], extra)]


def row_sentence(
    connection: duckdb.DuckDBPyConnection,
    found: Input,
    column: str,
    phrase: str,
    show: tuple[str, ...],
    count: int,
    rowids: Sequence[int],
    extra: tuple[str, str] | None = None,
) -> str:
    """'FILE, column C: N rows have PHRASE, e.g. line L: "value".'

    The examples show the text of the `show` columns, and `extra`, a (label, SQL expression over
    the row, aliased `shown`) pair, when given.
    """
    subject = f"{count:,} {'row has' if count == 1 else 'rows have'} {phrase}"
    rowids = sorted(rowids)[:MAX_EXAMPLES]
    numbers = [str(number) for number in found.numbers(rowids)]
    if not show:
        examples = f"{found.unit}{'s' if len(numbers) > 1 else ''} {join_words(numbers)}"
    else:
        selected = ", ".join([*(f'"{name}"' for name in show), *([extra[1]] if extra else [])])
        values = {
            row[0]: row[1:]
            for row in connection.execute(
                f"select rowid, {selected} from {found.sql_name} as shown where rowid in (select unnest(?))",
                [list(rowids)],
            ).fetchall()
        }
        labels = [*show, *([extra[0]] if extra else [])]
        shown = []
        for rowid, number in zip(rowids, numbers, strict=True):
            place = f"{found.unit} {number}"
            if len(labels) == 1:
                shown.append(f"{place}: {quote(values[rowid][0])}")
            else:
                pairs = ", ".join(f"{label} {quote(value)}" for label, value in zip(labels, values[rowid], strict=True))
                shown.append(f"{place}: {pairs}")
        examples = ("; " if len(labels) > 1 else ", ").join(shown)
    return f"{found.file}, column {column}: {subject}, e.g. {examples}."


def quote(value: object) -> str:
    return "empty" if value is None else f'"{clip(str(value))}"'


def clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeio' else 'a'} {word}"


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
