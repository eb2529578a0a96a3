"""Named errors raised by the clearing engine."""

from __future__ import annotations


class ClearingInputError(ValueError):
    """An order book or market specification that cannot be cleared.

    The message names the offending order (or specification field), the field, the bad value and
    what is allowed. Raised before any computation, so nothing is half-applied.

    Parameters
    ----------
    message
        The whole explanation.
    order_id
        Id of the offending order, when one order is at fault (else None).
    field
        Name of the offending order field (``"price"``, ``"quantity"``, ...), with ``order_id``.
    """

    def __init__(
        self, message: str, *, order_id: object = None, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.order_id = order_id
        self.field = field


class InfeasibleClearing(RuntimeError):  # noqa: N818 (public name)
    """The solver did not return an optimal solution for a well-formed book."""
