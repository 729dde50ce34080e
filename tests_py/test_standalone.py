"""The repository stands alone: no tracked file points to documents outside it. The rules live in
docs/rules.md, the input contract in docs/input.md and the readings taken in docs/decisions.md."""

from __future__ import annotations

import re
import subprocess

from revops import PROJECT_DIR

# Written in pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join([r"\.\./" + "shared", "/work/" + "shared", "metrics" + r"\.md", "data-contract" + r"\.md"])
)


def tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_DIR, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    return [name for name in listed.split("\0") if name]


def mentions(names: list[str], root=PROJECT_DIR) -> list[str]:
    found = []
    for name in names:
        path = root / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    return found


def test_no_tracked_file_refers_outside_the_repository():
    names = tracked_files()
    assert len(names) > 100
    assert mentions(names) == []


def test_the_check_finds_a_mention(tmp_path):
    (tmp_path / "notes.md").write_text("See ../" + "shared/spec/metrics" + ".md for the rules.\n")
    assert mentions(["notes.md", "absent.md"], root=tmp_path) == [
        "notes.md:1: See ../" + "shared/spec/metrics" + ".md for the rules."
    ]
