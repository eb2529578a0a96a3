"""Validation of strategy parameters."""

from __future__ import annotations

import math

from agents.bidding.errors import StrategyParameterError

__all__ = ["check_range"]


def check_range(
    strategy: str,
    name: str,
    value: float,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as float if it lies in the interval, else raise a named error.

    Parameters
    ----------
    strategy, name
        Strategy and parameter names, for the message.
    value
        The parameter value.
    low, high
        Interval bounds; ``low_open``/``high_open`` exclude them.
    """
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise StrategyParameterError(
            f"{strategy}: parameter {name!r} = {value!r}; a number is required"
        ) from exc
    ok = not math.isnan(number)
    ok = ok and (number > low if low_open else number >= low)
    ok = ok and (number < high if high_open else number <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise StrategyParameterError(
            f"{strategy}: parameter {name!r} = {value!r}; allowed: {interval}"
        )
    return number
