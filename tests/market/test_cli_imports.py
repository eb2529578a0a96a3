"""What each ``greenmarket`` command loads before it starts work.

Each check runs in a fresh interpreter and lists ``sys.modules`` after the command, so a module
imported by any path (module level or not) is seen. The lists are what each command does not
need: the web app and its frameworks, the engine's physics and solvers, the study tools.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from market.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[2]

WEB = ("fastapi", "starlette", "uvicorn", "web.app")
HEAVY = ("pvlib", "scipy", "simpy", "pulp", "dask", "distributed", "plotly", "pandas")
ENGINE = ("market.engine", "market.build", "market.runner", "market.studies", "market.api")

#: Command line -> top-level packages or modules that must not be loaded by it.
NOT_LOADED: dict[tuple[str, ...], tuple[str, ...]] = {
    ("--help",): WEB + HEAVY + ENGINE + ("numpy", "clearing", "agents"),
    # A scenario without data files is checked without numpy (file readers load it on demand).
    ("validate", "configs/quickstart.yaml"): WEB + HEAVY + ENGINE + ("numpy",),
    ("clear", "configs/examples/green_power_hour.csv"): WEB
    + ("pvlib", "scipy", "simpy", "dask", "distributed", "plotly", "pandas")
    + ENGINE,
}

PROBE = """
import contextlib, io, json, sys
from market.cli import main
argv = json.loads(sys.argv[1])
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(argv)
    except SystemExit as exc:  # --help exits through argparse
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def loaded_by(argv: tuple[str, ...]) -> dict[str, object]:
    """Run ``greenmarket argv`` in a fresh interpreter; its exit code, stdout and modules."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(argv))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def matches(modules: list[str], name: str) -> list[str]:
    """Loaded modules that are ``name`` or inside it."""
    return [m for m in modules if m == name or m.startswith(name + ".")]


@pytest.mark.parametrize("argv", list(NOT_LOADED), ids=lambda a: a[0].strip("-"))
def test_command_loads_only_what_it_needs(argv: tuple[str, ...]) -> None:
    result = loaded_by(argv)
    assert result["code"] == 0, result["out"]
    modules = result["modules"]
    assert isinstance(modules, list)
    assert "market.cli" in modules  # the probe saw the command's own imports
    loaded = {name: matches(modules, name)[:3] for name in NOT_LOADED[argv]}
    assert {name: found for name, found in loaded.items() if found} == {}


def test_run_loads_the_engine_but_no_web_app_or_study_tools(tmp_path: Path) -> None:
    result = loaded_by(("run", "configs/quickstart.yaml", "--quiet", "--out", str(tmp_path)))
    assert result["code"] == 0, result["out"]
    modules = result["modules"]
    assert isinstance(modules, list)
    assert "market.engine.simulation" in modules and "pvlib" in modules
    # scipy.signal alone takes about half a second to import; the engine does not need it.
    # --quiet shows no progress bar.
    unneeded = WEB + ("dask", "distributed", "plotly", "market.studies", "scipy.signal", "tqdm")
    assert {name: matches(modules, name)[:3] for name in unneeded if matches(modules, name)} == {}
    assert (tmp_path / "summary.json").is_file()


def test_the_probe_sees_lazy_imports() -> None:
    # ``schema`` builds the scenario model inside run(): its modules must show up.
    result = loaded_by(("schema",))
    assert result["code"] == 0
    modules = result["modules"]
    assert isinstance(modules, list)
    assert "market.config.schema" in modules and "pydantic" in modules
    assert json.loads(str(result["out"]))["title"] == "ScenarioConfig"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_one_command_parser_reads_like_the_full_one(command: str) -> None:
    def sub_help(parser: object) -> str:
        actions = parser._subparsers._group_actions  # type: ignore[attr-defined]
        return str(actions[0].choices[command].format_help())

    full, single = build_parser(), build_parser(command)
    assert sub_help(single) == sub_help(full)
    assert set(single._subparsers._group_actions[0].choices) == {command}  # type: ignore[union-attr]
