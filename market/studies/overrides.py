"""Deep-merge overrides into a scenario's plain mapping (as loaded from YAML).

Keys may be dotted (``markets.energy_rights.allocation.rule``), values may be nested mappings,
and both may be mixed; a path segment that is a whole number addresses an item of an existing
list (``parks.0.firms.2.output_t_per_yr``). A mapping merged onto a mapping merges key by key;
anything else replaces the value at its path. Missing mapping levels are created; lists are
never created or extended by an index, so a typo in an index is an error, not a silent insert.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from market.config.errors import short_value
from market.studies.errors import OverrideError


def split_key(key: object) -> list[str]:
    """Split an override key into path segments (``"a.0.b"`` → ``["a", "0", "b"]``).

    Raises
    ------
    OverrideError
        If the key is empty or has an empty segment (``"a..b"``).
    """
    text = str(key)
    parts = text.split(".")
    if any(part == "" for part in parts):
        raise OverrideError(text, repr(text), "dotted names without empty segments, e.g. 'a.b.0'")
    return parts


def apply_overrides(base: Mapping[str, Any], overrides: Mapping[Any, Any]) -> dict[str, Any]:
    """Return a deep copy of ``base`` with ``overrides`` merged in; ``base`` is not changed.

    Parameters
    ----------
    base
        Plain scenario mapping (from ``yaml.safe_load``).
    overrides
        Mapping of dotted keys and/or nested mappings to new values.

    Returns
    -------
    dict
        The merged mapping.

    Raises
    ------
    OverrideError
        If a path runs through a value that is neither a mapping nor a list, uses a non-integer
        or out-of-range index on a list, or its key is malformed.

    Examples
    --------
    >>> base = {"parks": [{"name": "p", "operator": {"strategy": "none"}}]}
    >>> apply_overrides(base, {"parks.0.operator": {"strategy": "optimal"}})["parks"][0]
    {'name': 'p', 'operator': {'strategy': 'optimal'}}
    """
    merged: dict[str, Any] = copy.deepcopy(dict(base))
    _merge_mapping(merged, overrides, prefix="")
    return merged


def _merge_mapping(
    target: dict[str, Any] | list[Any], overrides: Mapping[Any, Any], prefix: str
) -> None:
    for key, value in overrides.items():
        _set_path(target, split_key(key), copy.deepcopy(value), prefix)


def _join(prefix: str, segment: str) -> str:
    return f"{prefix}.{segment}" if prefix else segment


def _assign(current: Any, value: Any, here: str) -> Any:
    """Return what the slot holding ``current`` should hold after merging ``value`` onto it."""
    if isinstance(value, Mapping) and isinstance(current, dict | list):
        _merge_mapping(current, value, here)
        return current
    if isinstance(value, Mapping):
        fresh: dict[str, Any] = {}
        _merge_mapping(fresh, value, here)
        return fresh
    return value


def _set_path(container: Any, parts: list[str], value: Any, prefix: str) -> None:
    head, rest = parts[0], parts[1:]
    here = _join(prefix, head)
    if isinstance(container, list):
        index = _list_index(container, head, here)
        if rest:
            _set_path(container[index], rest, value, here)
        else:
            container[index] = _assign(container[index], value, here)
        return
    if not isinstance(container, dict):
        raise OverrideError(
            here,
            short_value(container),
            f"'{prefix}' holds a {type(container).__name__}, which has no field '{head}'",
        )
    if rest:
        if container.get(head) is None:
            container[head] = {}
        _set_path(container[head], rest, value, here)
    else:
        container[head] = _assign(container.get(head), value, here)


def _list_index(items: list[Any], segment: str, here: str) -> int:
    if not segment.isdigit():
        raise OverrideError(
            here,
            repr(segment),
            f"a list index: a whole number from 0 to {len(items) - 1}",
        )
    index = int(segment)
    if index >= len(items):
        raise OverrideError(
            here,
            str(index),
            f"an index of an existing item: 0 to {len(items) - 1} (the list has "
            f"{len(items)} item(s))",
        )
    return index
