"""The clearing package imports no other greenmarket package and no I/O framework."""

from __future__ import annotations

import ast
from pathlib import Path

CLEARING = Path(__file__).resolve().parents[2] / "clearing"
FORBIDDEN = {"market", "agents", "web", "simpy", "yaml", "pyarrow", "pandas", "tqdm"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_clearing_imports_only_itself_and_numeric_libraries() -> None:
    files = sorted(CLEARING.glob("*.py"))
    assert files
    offenders = {f.name: _imported_roots(f) & FORBIDDEN for f in files}
    assert {name: bad for name, bad in offenders.items() if bad} == {}
