"""Property-based tests: whatever a hostile edit does to a valid input, `revops run` either refuses it
(exit 2, every problem naming a file and, for a value, its column) or publishes a warehouse whose dbt
tests all passed and whose reporting month is the newest month of the data. Never a traceback; on a
failure the published file is unchanged.

The edits (hypothesis, derandomized so the suite is repeatable): a cell set to a value of its type or
not (dates in and out of range, amounts up to 10^17 with up to 4 decimals, padded, empty, exponent
or currency-sign text), an id renamed everywhere to hostile text (quotes, SQL, markup, non-ASCII,
spaces), rows duplicated, removed or blank, a file re-encoded (Latin-1, a byte-order mark, CRLF).

Time is bounded: validation alone for most examples (about a second each); a few full runs (about
half a minute each when the input is accepted), without shrinking.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from conftest import VALID_INPUTS
from revops import contract
from revops.cli import main
from revops.errors import InputError
from revops.validate import RECOGNISED_STATUSES, validate

TABLES = sorted(VALID_INPUTS)
FILE_NAME = re.compile(r"\b[a-z_]+\.(csv|parquet)\b")
# How a problem names the column, or says the file itself is the problem.
NAMES_A_COLUMN = re.compile(
    r", columns? | required columns? | cannot be read| is empty| has no rows| is missing| none of the expected columns"
)
HOSTILE_TEXT = [
    "'; drop table raw.invoices; --",
    'o"brien',
    "<script>alert(1)</script>",
    "org_ü_東京",
    "  padded  ",
    "a,b",
    "{{ var('x') }}",
    "x" * 300,
    "jane.doe@example.com",
    "",
]


@dataclass
class Inputs:
    """Every input table as a header and rows of text, and how each file is written."""

    tables: dict[str, tuple[list[str], list[list[str]]]]
    encoding: dict[str, str]  # table -> utf-8, latin-1 or utf-8-sig
    newline: dict[str, str]
    blank_line: set[str]

    @classmethod
    def valid(cls) -> Inputs:
        tables = {}
        for name in TABLES:
            rows = list(csv.reader(io.StringIO(VALID_INPUTS[name].lstrip("\n"))))
            tables[name] = (rows[0], rows[1:])
        return cls(tables, {}, {}, set())

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True)
        for name, (header, rows) in self.tables.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator=self.newline.get(name, "\n"))
            writer.writerow(header)
            writer.writerows(rows)
            text = buffer.getvalue() + ("\n" if name in self.blank_line else "")
            (directory / f"{name}.csv").write_bytes(text.encode(self.encoding.get(name, "utf-8"), errors="replace"))
        return directory

    def newest_usage_month(self) -> date | None:
        """The reporting month the data implies: the newest month a recognised usage invoice starts in."""
        header, rows = self.tables["invoices"]
        months = []
        for row in rows:
            values = dict(zip(header, (value.strip() for value in row), strict=False))
            if values.get("invoice_type") == "usage" and values.get("status") in RECOGNISED_STATUSES:
                months.append(date.fromisoformat(values["period_start"]).replace(day=1))
        return max(months, default=None)


def _value(data: st.DataObject, data_type: str, old: str) -> str:
    """A new text for a cell of the given contract type: usually well-formed, sometimes not."""
    well_formed = {
        "date": st.dates(date(1985, 1, 1), date(2100, 12, 31)).map(str),
        "timestamp": st.dates(date(1985, 1, 1), date(2100, 12, 31)).map(lambda day: f"{day}T12:00:00Z"),
        "decimal": st.integers(0, 4)
        .flatmap(lambda places: st.decimals(-(10**17), 10**17, places=places, allow_nan=False, allow_infinity=False))
        .map(str),
        "double": st.floats(-1e17, 1e17, allow_nan=False).map(repr),
        "integer": st.integers(-(2**40), 2**40).map(str),
        "boolean": st.sampled_from(["true", "false", "TRUE", "False"]),
        "varchar": st.sampled_from(HOSTILE_TEXT),
    }[data_type]
    subtle = st.sampled_from([f" {old} ", old.upper(), old + "0", "", "1e5", "$5", "2025-13-01", "NaN", "-0"])
    precise = st.decimals(0, 10**6, places=4).map(str)  # fractions of a cent
    options = [well_formed, subtle] + ([precise] if data_type == "decimal" else [])
    return data.draw(st.one_of(options))


def _mutate(data: st.DataObject, inputs: Inputs) -> str:
    """One edit, drawn; returns the table it touched."""
    name = data.draw(st.sampled_from(TABLES), label="table")
    header, rows = inputs.tables[name]
    kind = data.draw(
        st.sampled_from(["cell", "cell", "cell", "rename", "duplicate", "remove", "blank", "encoding"]), label="edit"
    )
    if kind == "cell" and rows:
        row = data.draw(st.integers(0, len(rows) - 1), label="row")
        column = data.draw(st.sampled_from(range(len(header))), label="column")
        data_type = contract.tables()[name].column(header[column]).data_type
        rows[row][column] = _value(data, data_type, rows[row][column])
    elif kind == "rename":
        ids = sorted(
            {
                value
                for head, body in inputs.tables.values()
                for row in body
                for key, value in zip(head, row, strict=True)
                if key.endswith("_id") and value
            }
        )
        old = data.draw(st.sampled_from(ids), label="id")
        new = data.draw(st.sampled_from([text for text in HOSTILE_TEXT if text]), label="renamed to")
        for _, body in inputs.tables.values():
            for row in body:
                row[:] = [new if value == old else value for value in row]
    elif kind == "duplicate" and rows:
        rows.append(list(rows[data.draw(st.integers(0, len(rows) - 1), label="row")]))
    elif kind == "remove" and rows:
        rows.pop(data.draw(st.integers(0, len(rows) - 1), label="row"))
    elif kind == "blank":
        inputs.blank_line.add(name)
    elif kind == "encoding":
        how = data.draw(st.sampled_from(["latin-1", "utf-8-sig", "crlf"]), label="encoding")
        if how == "crlf":
            inputs.newline[name] = "\r\n"
        else:
            inputs.encoding[name] = how
            if rows and how == "latin-1":
                rows[0][-1] = rows[0][-1] + " café"
    return name


def _hostile_inputs(data: st.DataObject) -> Inputs:
    inputs = Inputs.valid()
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        _mutate(data, inputs)
    return inputs


LEAF_TABLES = ["opportunities", "usage_optimizations", "trials", "credits", "refunds", "subscriptions"]


def _allowed_edit(data: st.DataObject, inputs: Inputs) -> None:
    """One edit the contract allows, which the build must take: an id renamed everywhere to hostile text,
    a value padded with spaces, other line endings or a byte-order mark, a row of a table nothing
    refers to removed, usage units changed."""
    kind = data.draw(st.sampled_from(["rename", "pad", "encoding", "remove", "units"]), label="allowed edit")
    if kind == "rename":
        ids = sorted(
            {row[0] for name in ("organizations", "billing_customers", "invoices") for row in inputs.tables[name][1]}
        )
        old = data.draw(st.sampled_from(ids), label="id")
        new = data.draw(
            st.sampled_from([text for text in HOSTILE_TEXT if text and "@" not in text]), label="renamed to"
        )
        for _, body in inputs.tables.values():
            for row in body:
                row[:] = [new if value == old else value for value in row]
    elif kind == "pad":
        name = data.draw(st.sampled_from(TABLES), label="table")
        header, rows = inputs.tables[name]
        row = data.draw(st.integers(0, len(rows) - 1), label="row")
        column = data.draw(st.sampled_from(range(len(header))), label="column")
        rows[row][column] = f"  {rows[row][column]} "
    elif kind == "encoding":
        name = data.draw(st.sampled_from(TABLES), label="table")
        if data.draw(st.booleans(), label="byte-order mark"):
            inputs.encoding[name] = "utf-8-sig"
        else:
            inputs.newline[name] = "\r\n"
    elif kind == "remove":
        name = data.draw(st.sampled_from(LEAF_TABLES), label="table")
        rows = inputs.tables[name][1]
        rows.pop(data.draw(st.integers(0, len(rows) - 1), label="row"))
    else:
        header, rows = inputs.tables["usage"]
        row = data.draw(st.integers(0, len(rows) - 1), label="row")
        rows[row][header.index("units")] = repr(data.draw(st.floats(0, 1e14), label="units"))


def _assert_clear(problems: list[str]) -> None:
    assert problems
    for problem in problems:
        assert FILE_NAME.search(problem) or problem.startswith("... and "), problem
        assert NAMES_A_COLUMN.search(problem) or problem.startswith("... and "), problem


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_validation_refuses_a_hostile_edit_clearly_or_accepts_it(data: st.DataObject) -> None:
    inputs = _hostile_inputs(data)
    with tempfile.TemporaryDirectory(prefix="revops-property-") as work:
        directory = inputs.write(Path(work) / "inputs")
        try:
            validate(directory)
        except InputError as error:
            _assert_clear(error.problems)


def _assert_run_refuses_or_publishes(published: Path, inputs: Inputs) -> None:
    with tempfile.TemporaryDirectory(prefix="revops-property-") as work:
        directory = inputs.write(Path(work) / "inputs")
        db = Path(work) / "revops.duckdb"
        shutil.copyfile(published, db)
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = main(["run", "--data-dir", str(directory), "--db", str(db)])
        log = stderr.getvalue()
        event(f"exit {code}")
        assert "Traceback" not in log
        assert code in (0, 2), log[-3000:]
        if code == 2:
            _assert_clear([line.removeprefix("error: ") for line in log.splitlines() if line.startswith("error: ")])
            assert hashlib.sha256(db.read_bytes()).hexdigest() == before
        else:
            with duckdb.connect(str(db), read_only=True) as connection:
                (reporting_month,) = connection.execute("select max(month) from marts.mrr_monthly").fetchone()
            assert reporting_month == inputs.newest_usage_month()
        assert sorted(path.name for path in Path(work).iterdir()) == ["inputs", "revops.duckdb"]


FULL_RUNS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "phases": [Phase.explicit, Phase.generate],  # no shrinking: every example is a full run
    "suppress_health_check": [HealthCheck.too_slow],
}


@settings(max_examples=3, **FULL_RUNS)
@given(data=st.data())
def test_a_run_on_a_hostile_edit_refuses_it_or_publishes_a_tested_warehouse(published: Path, data: st.DataObject):
    """Mostly refused (a second or two each): the published file must not change."""
    _assert_run_refuses_or_publishes(published, _hostile_inputs(data))


@settings(max_examples=2, **FULL_RUNS)
@given(data=st.data())
def test_a_run_on_an_edit_the_contract_allows_publishes_a_tested_warehouse(published: Path, data: st.DataObject):
    """Mostly accepted (half a minute each): every dbt test must pass on what the validator let through."""
    inputs = Inputs.valid()
    _allowed_edit(data, inputs)
    _assert_run_refuses_or_publishes(published, inputs)
