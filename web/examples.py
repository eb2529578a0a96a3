"""Example scenarios: the ``*.yaml`` files of the configs folder."""

from __future__ import annotations

from pathlib import Path

from market.api import ConfigError, ScenarioConfig, load_config
from web.errors import UnknownExampleError
from web.schemas import ExampleConfig, Issue


def example_paths(configs_dir: Path) -> dict[str, Path]:
    """Return example name → YAML file, sorted by name."""
    if not configs_dir.is_dir():
        return {}
    return {p.stem: p for p in sorted(configs_dir.glob("*.yaml")) if p.is_file()}


def describe_examples(configs_dir: Path) -> list[ExampleConfig]:
    """Load every example and describe it (invalid ones with their errors)."""
    out = []
    for name, path in example_paths(configs_dir).items():
        try:
            config = load_config(path)
        except ConfigError as exc:
            issues = [Issue(**i.as_dict()) for i in exc.issues]
            out.append(ExampleConfig(name=name, file=path.name, valid=False, errors=issues))
            continue
        out.append(
            ExampleConfig(
                name=name,
                file=path.name,
                scenario=config.name,
                description=(config.description or "").strip() or None,
                horizon_h=config.time.horizon_h,
                step_h=config.time.step_h,
                parks=[p.name for p in config.parks],
                valid=True,
            )
        )
    return out


def load_example(configs_dir: Path, name: str) -> ScenarioConfig:
    """Load the example called ``name``.

    Raises
    ------
    UnknownExampleError
        When there is no such example.
    ConfigError
        When its file is invalid.
    """
    paths = example_paths(configs_dir)
    path = paths.get(name)
    if path is None:
        raise UnknownExampleError(name, list(paths))
    return load_config(path)
