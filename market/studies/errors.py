"""Named errors of policy studies.

A study error reuses the scenario configuration's issue format (field path, bad value, what is
allowed), so a study file and a scenario file report problems the same way.
"""

from __future__ import annotations

from market.config.errors import ConfigError


class StudyError(ConfigError):
    """A study file is invalid, or one of its variants makes the base scenario invalid."""


class OverrideError(ValueError):
    """An override cannot be applied to a scenario mapping.

    Attributes
    ----------
    key
        Dotted path of the override, e.g. ``parks.0.firms.7.output_t_per_yr``.
    value
        Short text form of what was found at the failing step.
    allowed
        What the path may address, in words.
    """

    def __init__(self, key: str, value: str, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key}: got {value}; {allowed}")
