"""Scenario input of hostile shape: alias bombs, deep nesting, cycles, huge numbers."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from market.cli import main
from market.config import ConfigError, load_config, parse_config
from market.config.yaml_safety import MAX_DEPTH, load_yaml_text

REPO = Path(__file__).resolve().parents[2]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"parks: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def load_issue(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.issues) == 1
    return info.value.issues[0]


def test_alias_bomb_is_refused_quickly_in_little_memory(tmp_path: Path) -> None:
    text = billion_laughs()
    assert len(text.encode()) < 700
    tracemalloc.start()
    started = time.perf_counter()
    try:
        issue = load_issue(tmp_path, text)
        peak_bytes = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5.0
    assert peak_bytes < 20 * 2**20
    assert issue.path.startswith("<yaml line ")
    assert "aliases are expanded" in issue.allowed


def test_moderate_aliases_still_work() -> None:
    data = load_yaml_text("base: &b {x: 1}\nitems: [*b, *b, *b]\n")
    assert data["items"] == [{"x": 1}] * 3


def test_deep_yaml_nesting_names_the_line(tmp_path: Path) -> None:
    text = "parks:\n" + "".join("  " * i + "-\n" for i in range(1, 1000))
    issue = load_issue(tmp_path, text)
    assert issue.path == f"<yaml line {MAX_DEPTH + 1}, column {2 * MAX_DEPTH + 1}>"
    assert f"deeper than {MAX_DEPTH}" in issue.allowed


def test_flow_style_deep_nesting(tmp_path: Path) -> None:
    issue = load_issue(tmp_path, "parks: " + "[" * 1000 + "]" * 1000 + "\n")
    assert "deeper than" in issue.allowed


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    issue = load_issue(tmp_path, "a: &x [*x]\nparks: []\n")
    assert "contains it" in issue.allowed
    assert issue.path == "<yaml line 1, column 4>"


def test_integer_too_long_for_python(tmp_path: Path) -> None:
    issue = load_issue(tmp_path, "seed: " + "9" * 5000 + "\n")
    assert issue.path == "<yaml>"
    assert "4300 digits" in issue.allowed


@pytest.mark.parametrize("container", ["dict", "list"])
def test_deep_plain_data_is_refused_without_recursion_error(container: str) -> None:
    deep: Any = {} if container == "dict" else []
    node = deep
    for _ in range(100_000):
        child: Any = {} if container == "dict" else []
        if container == "dict":
            node["a"] = child
        else:
            node.append(child)
        node = child
    with pytest.raises(ConfigError) as info:
        parse_config({"description": deep, "parks": []})
    (issue,) = info.value.issues
    assert issue.path.startswith("description")
    assert f"at most {MAX_DEPTH} levels" in issue.allowed


def test_validate_command_exits_2_on_bombs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, text in enumerate(
        [billion_laughs(), "parks:\n" + "".join("  " * i + "-\n" for i in range(1, 300))]
    ):
        path = tmp_path / f"bad{k}.yaml"
        path.write_text(text, encoding="utf-8")
        assert main(["validate", str(path)]) == 2
        assert "<yaml line" in capsys.readouterr().err


def test_shipped_scenarios_still_load() -> None:
    for path in sorted((REPO / "configs").glob("*.yaml")):
        assert load_config(path).parks
