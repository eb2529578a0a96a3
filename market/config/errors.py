"""Readable configuration errors: field path, bad value, what is allowed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

_MAX_VALUE_CHARS = 80


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem in a configuration.

    Attributes
    ----------
    path
        Dotted field path with list indices, e.g. ``parks[0].firms[2].output_t_per_yr``.
    value
        Short text form of the offending value (``<missing>`` when the field is absent).
    allowed
        What the field accepts, in words.
    """

    path: str
    value: str
    allowed: str

    def __str__(self) -> str:
        return f"{self.path}: got {self.value}; {self.allowed}"

    def as_dict(self) -> dict[str, str]:
        """Return the issue as a JSON-ready mapping."""
        return {"path": self.path, "value": self.value, "allowed": self.allowed}


class ConfigError(ValueError):
    """A scenario configuration is invalid; carries every issue found."""

    def __init__(self, issues: Sequence[ConfigIssue], source: str = "config") -> None:
        self.issues: tuple[ConfigIssue, ...] = tuple(issues)
        self.source = source
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"{source}: {len(self.issues)} error(s)\n{lines}")


def format_path(location: Iterable[Any]) -> str:
    """Turn a pydantic error location into ``a.b[0].c`` form."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "<root>"


def short_value(value: Any) -> str:
    """Return a bounded ``repr`` of a value for error messages."""
    text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def _allowed_text(error: Any) -> str:
    kind = error.get("type", "")
    message = str(error.get("msg", "invalid value"))
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown field (not allowed here; check the spelling against `greenmarket schema`)"
    if kind == "missing":
        return "field required"
    if kind == "literal_error" and "expected" in ctx:
        return f"allowed values: {ctx['expected']}"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message[0].lower() + message[1:] if message else "invalid value"


def issues_from_validation_error(exc: ValidationError) -> list[ConfigIssue]:
    """Convert a pydantic ``ValidationError`` into :class:`ConfigIssue` records."""
    issues: list[ConfigIssue] = []
    errors = exc.errors(include_url=False)
    failed_paths = [tuple(e.get("loc", ())) for e in errors]
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in failed_paths
        ):
            # A list reported as too short only because its items failed: the item errors say it.
            continue
        location = list(error.get("loc", ()))
        # Drop the tag pydantic adds for function validators and union members.
        location = [p for p in location if not (isinstance(p, str) and p.startswith("function-"))]
        value = "<missing>" if error.get("type") == "missing" else short_value(error.get("input"))
        issues.append(ConfigIssue(format_path(location), value, _allowed_text(error)))
    return issues
