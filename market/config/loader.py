"""Load scenario files: YAML text → plain data → validated :class:`ScenarioConfig`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from market.config.errors import (
    ConfigError,
    ConfigIssue,
    format_path,
    issues_from_validation_error,
)
from market.config.schema import ScenarioConfig
from market.config.yaml_safety import load_yaml_text, shape_problem
from market.inputs.paths import CONFIGS_DIR, DataFileContext


def parse_config(
    data: Any,
    source: str = "config",
    *,
    base_dir: Path | None = None,
    confine_data_files: bool = False,
) -> ScenarioConfig:
    """Validate already-parsed data (from YAML or JSON) into a scenario.

    Data nested too deep or too large (see :mod:`market.config.yaml_safety`) is refused before
    validation walks it.

    Parameters
    ----------
    data
        The scenario as plain data.
    source
        Name of where it came from, for error messages.
    base_dir
        Folder that relative data-file paths are resolved against (default: the shipped
        ``configs/`` folder); see :mod:`market.inputs.paths`.
    confine_data_files
        Allow only the shipped data files (for scenarios received over the network).

    Raises
    ------
    ConfigError
        With one :class:`ConfigIssue` per problem found.
    """
    if not isinstance(data, dict):
        raise ConfigError(
            [ConfigIssue("<root>", type(data).__name__, "a mapping of scenario fields")], source
        )
    problem = shape_problem(data)
    if problem is not None:
        path, allowed = problem
        raise ConfigError([ConfigIssue(format_path(path), "-", allowed)], source)
    try:
        context = DataFileContext(
            base_dir=CONFIGS_DIR if base_dir is None else base_dir, confine=confine_data_files
        )
        return ScenarioConfig.model_validate(data, context={"data_files": context})
    except ValidationError as exc:
        raise ConfigError(issues_from_validation_error(exc), source) from None


def read_yaml(path: Path) -> Any:
    """Read a YAML file safely, turning I/O and syntax errors into :class:`ConfigError`."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        issue = ConfigIssue("<file>", source, "an existing YAML file")
        raise ConfigError([issue], source) from None
    except (OSError, UnicodeDecodeError) as exc:
        issue = ConfigIssue("<file>", source, f"a readable UTF-8 file ({exc})")
        raise ConfigError([issue], source) from None
    try:
        return load_yaml_text(text)
    except ValueError as exc:  # a scalar YAML accepts but Python cannot hold, e.g. a 5000-digit int
        issue = ConfigIssue("<yaml>", "-", f"values Python can represent ({exc})")
        raise ConfigError([issue], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "?"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        issue = ConfigIssue(f"<yaml {where}>", "-", f"valid YAML ({problem})")
        raise ConfigError([issue], source) from None


def load_config(path: str | Path) -> ScenarioConfig:
    """Load and validate a scenario YAML file.

    Parameters
    ----------
    path
        Path to a ``.yaml`` scenario file.

    Raises
    ------
    ConfigError
        If the file is missing, not YAML, or fails validation.
    """
    file_path = Path(path)
    return parse_config(read_yaml(file_path), source=str(file_path), base_dir=file_path.parent)
