"""A read-only mapping from order id to one per-order figure (accepted quantity or payment)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class OrderValues(Mapping[str, float]):
    """Per-order figures of a clearing keyed by order id, in book order.

    The figures are held as one read-only array beside the ids. The id -> value ``dict`` is
    built on the first lookup and kept, so a clearing costs no per-order Python work and
    callers that look orders up, iterate or compare see an ordinary immutable mapping.

    Parameters
    ----------
    ids
        Order ids, unique, in book order.
    values
        One figure per id (quantity in the product's unit, or money); copied unless it is
        already read-only.
    """

    __slots__ = ("_by_id", "_ids", "_values")

    def __init__(self, ids: Sequence[str], values: FloatArray) -> None:
        if len(ids) != values.size:
            raise ValueError(f"{len(ids)} ids but {values.size} values")
        if values.flags.writeable:
            values = values.copy()
            values.flags.writeable = False
        self._ids = ids
        self._values = values
        self._by_id: dict[str, float] | None = None

    def _mapping(self) -> dict[str, float]:
        by_id = self._by_id
        if by_id is None:
            by_id = self._by_id = dict(zip(self._ids, self._values.tolist(), strict=True))
        return by_id

    def __getitem__(self, order_id: str) -> float:
        return self._mapping()[order_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._mapping()

    def get(self, order_id: str, default: Any = None) -> Any:
        """The figure of ``order_id``, or ``default`` when the book has no such order."""
        return self._mapping().get(order_id, default)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OrderValues):
            return self._mapping() == other._mapping()
        if isinstance(other, Mapping):
            return self._mapping() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OrderValues({self._mapping()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (OrderValues, (self._ids, self._values))

    def to_array(self) -> FloatArray:
        """The figures in book (iteration) order, as a new writable array."""
        return self._values.copy()
