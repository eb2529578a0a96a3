"""The web package imports only the engine's public API (``market.api``) of the project."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
PROJECT_PACKAGES = ("market", "agents", "clearing")


def imported_modules(path: Path) -> set[str]:
    """Return every module name imported by a Python file (absolute imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module in PROJECT_PACKAGES:
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            else:
                names.add(node.module)
    return names


def test_parser_sees_from_package_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import simpy\nfrom market import engine\nfrom market.api import Event\n")
    assert imported_modules(sample) == {"simpy", "market.engine", "market.api"}


def test_web_imports_only_market_api() -> None:
    files = sorted(WEB.rglob("*.py"))
    assert len(files) > 10
    offenders = {}
    for path in files:
        bad = {
            name
            for name in imported_modules(path)
            if name.split(".")[0] in PROJECT_PACKAGES and name != "market.api"
        } | {name for name in imported_modules(path) if name.split(".")[0] == "simpy"}
        if bad:
            offenders[str(path.relative_to(WEB))] = sorted(bad)
    assert offenders == {}
