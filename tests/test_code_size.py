"""Functions and modules of tracker/ stay short enough to read at once (issue 19).

No function over 60 lines (its def to its last line, decorators apart) and no module over
400 lines; tests, migrations and data files are not counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

TRACKER = Path(__file__).resolve().parents[1] / "tracker"
FUNCTION_LINES = 60
MODULE_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for p in TRACKER.rglob("*.py") if "data" not in p.relative_to(TRACKER).parts)


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > FUNCTION_LINES:
                found.append(
                    f"{path.relative_to(TRACKER.parent)}:{node.lineno} {node.name} {length}"
                )
    return found


def test_the_walk_finds_the_package():
    names = {p.name for p in _modules()}
    assert {"__init__.py", "queries.py", "tally.py"} <= names
    assert len(names) > 50


def test_no_function_is_over_sixty_lines():
    assert [f for path in _modules() for f in _long_functions(path)] == []


def test_no_module_is_over_four_hundred_lines():
    long = []
    for path in _modules():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MODULE_LINES:
            long.append(f"{path.relative_to(TRACKER.parent)} {lines}")
    assert long == []
