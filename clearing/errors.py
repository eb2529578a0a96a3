"""Named errors raised by the clearing engine."""

from __future__ import annotations


class ClearingInputError(ValueError):
    """An order book or market specification that cannot be cleared.

    The message names the offending order (or specification field), the field, the bad value and
    what is allowed. Raised before any computation, so nothing is half-applied.
    """


class InfeasibleClearing(RuntimeError):  # noqa: N818 (public name)
    """The solver did not return an optimal solution for a well-formed book."""
