"""Readable configuration errors: field path, bad value, what is allowed."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

_MAX_VALUE_CHARS = 80
_MAX_INT_BITS = 256

LOCATED_ERROR_TYPE = "located_issues"
"""Pydantic error type of :func:`located_error`: issues below the validated model's own path."""


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
        if part == "[key]":
            continue  # pydantic's marker for a failed mapping key: the key itself names it
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "<root>"


class _BoundedRepr(reprlib.Repr):
    """A ``repr`` whose work is bounded by the size of its output, not of the value."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxstring = _MAX_VALUE_CHARS
        self.maxother = _MAX_VALUE_CHARS
        self.maxlong = _MAX_VALUE_CHARS
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 6

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > _MAX_INT_BITS:
            return f"<integer of {x.bit_length()} bits>"
        return super().repr_int(x, level)

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, BaseModel):
            return f"{type(x).__name__}(...)"
        return super().repr1(x, level)


_BOUNDED_REPR = _BoundedRepr()


def short_value(value: Any) -> str:
    """Return a bounded ``repr`` of a value for error messages.

    Containers are cut after a few items and levels before their text is built, so a huge or
    deeply shared value (e.g. from YAML aliases) costs no more than a short one.
    """
    text = _BOUNDED_REPR.repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def located_error(issues: Sequence[tuple[tuple[str | int, ...], Any, str]]) -> PydanticCustomError:
    """An error for a model validator that reports issues at paths below the model.

    Parameters
    ----------
    issues
        ``(sub_path, value, allowed)`` triples; ``sub_path`` is relative to the validated
        model, e.g. ``("firms", 2, "name")``.

    Returns
    -------
    PydanticCustomError
        To be raised from the validator; :func:`issues_from_validation_error` turns it into
        one :class:`ConfigIssue` per triple.
    """
    summary = "; ".join(f"{format_path(path)}: {allowed}" for path, _, allowed in issues)
    return PydanticCustomError(
        LOCATED_ERROR_TYPE, "{summary}", {"summary": summary, "issues": tuple(issues)}
    )


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
        if error.get("type") == LOCATED_ERROR_TYPE:
            for sub_path, bad, allowed in (error.get("ctx") or {}).get("issues", ()):
                issues.append(
                    ConfigIssue(format_path([*location, *sub_path]), short_value(bad), allowed)
                )
            continue
        value = "<missing>" if error.get("type") == "missing" else short_value(error.get("input"))
        issues.append(ConfigIssue(format_path(location), value, _allowed_text(error)))
    return issues
