"""Scenario configuration: the pydantic schema, loading and error reporting."""

from market.config.errors import ConfigError, ConfigIssue
from market.config.loader import load_config, parse_config
from market.config.schema import ScenarioConfig

__all__ = ["ConfigError", "ConfigIssue", "ScenarioConfig", "load_config", "parse_config"]
