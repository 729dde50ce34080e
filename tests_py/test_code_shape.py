"""The Python package stays readable: no function longer than a screen and a half.

A function that needs more than MAX_FUNCTION_LINES lines (its signature, docstring and body) is
several steps; split it where its section comments would be. The walk reads the source only, so the
test is fast.
"""

from __future__ import annotations

import ast
from pathlib import Path

from revops import PROJECT_DIR

MAX_FUNCTION_LINES = 80
PACKAGE = PROJECT_DIR / "src" / "revops"


def long_functions(root: Path = PACKAGE, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """'path:line name (N lines)' for every function or method of the package longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                lines = node.end_lineno - start + 1
                if lines > limit:
                    found.append(f"{path.relative_to(root.parent)}:{start} {node.name} ({lines} lines)")
    return found


def test_no_function_is_longer_than_the_limit():
    assert long_functions() == []


def test_the_walk_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{number} = {number}" for number in range(MAX_FUNCTION_LINES))
    (tmp_path / "long.py").write_text(f"def too_long():\n{body}\n\n\ndef short():\n    return 1\n")
    found = long_functions(tmp_path)
    assert len(found) == 1 and "too_long" in found[0] and f"({MAX_FUNCTION_LINES + 1} lines)" in found[0]
