"""``OrderTable``: an order book as columns, the array form of a list of ``Order``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from clearing.columns import buy_mask, extract_columns
from clearing.errors import ClearingInputError
from clearing.types import Order, Side
from clearing.validation import INT_TYPES, NUMBER_TYPES, order_error, types_within

BoolArray = npt.NDArray[np.bool_]

PER_ROW_TEXT = ("agent", "zone", "product")
"""Text columns given either as one string for every row or as one string per row."""

PER_ROW_NUMBERS = ("period", "min_acceptance_ratio")
"""Numeric columns given either as one number for every row or as one number per row."""


def _frozen_array(name: str, values: Any) -> np.ndarray:
    """``values`` as a new read-only one-dimensional array, its element type kept."""
    try:
        array = np.array(values)
    except (TypeError, ValueError) as error:
        raise ClearingInputError(
            f"order table: field '{name}' is not allowed ({error}); pass one value per row"
        ) from None
    if array.ndim != 1:
        raise ClearingInputError(
            f"order table: field '{name}' has shape {array.shape}; pass one value per row"
        )
    array.flags.writeable = False
    return array


def _text_column(values: Any) -> Any:
    """One string for every row stays as it is; anything else becomes a tuple per row."""
    if isinstance(values, str) or values is None:
        return values
    if isinstance(values, np.ndarray):
        return tuple(values.tolist())
    try:
        return tuple(values)
    except TypeError:
        return values  # a lone non-string value: validation names it


def _number_column(name: str, values: Any) -> Any:
    """One number for every row stays as it is; a sequence becomes a frozen array."""
    if isinstance(values, (list, tuple, np.ndarray)):
        return _frozen_array(name, values)
    return values


def _numbers(values: list[Any], dtype: type) -> np.ndarray:
    """Numbers read from orders as an array of ``dtype``, or of objects if some is not plain.

    An object array keeps every value as it was, so validation names the bad one; nothing is
    converted on the way.
    """
    floats = dtype is np.float64
    if types_within(values, float if floats else int, NUMBER_TYPES if floats else INT_TYPES):
        try:
            return np.array(values, dtype=dtype)
        except OverflowError:
            pass
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@dataclass(frozen=True, slots=True, eq=False)
class OrderTable:
    """An order book held as columns: row ``k`` is the ``k``-th order.

    :func:`clearing.clear` takes an ``OrderTable`` wherever it takes a list of
    :class:`clearing.types.Order` and gives the same result; it reads whole columns at once
    instead of one Python object per order, which is what callers holding their bids in arrays
    (an engine's firms, a CSV file) want. The fields mean what the ``Order`` fields of the same
    name mean. A column given as one value applies to every row. Columns given as lists or
    arrays are converted with ``numpy.array``, copied and frozen, so a table never changes.
    Nothing is checked until the table is cleared; then a column of the wrong length, or of
    booleans, text or other objects where numbers belong, and every bad value are named by
    order id, row and field, and the books refused are those refused as lists of ``Order``.

    Parameters
    ----------
    id
        Order ids, one per row, unique.
    is_buy
        True for a bid, False for an offer.
    quantity
        Quantities, > 0, in the product's unit (MWh, tce, ...).
    price
        Limit prices, money per unit.
    agent
        Owners: one string per row, or one for every row.
    period
        Delivery periods (integers >= 0): per row or one for every row.
    zone, product
        Zone (park) and product: per row or one for every row.
    block
        ``None`` (no blocks), or per row a block id or ``None``.
    min_acceptance_ratio
        Per row or one for every row, in [0, 1].
    sequence
        Submission sequence numbers (integers) for tie-breaking; ``None`` numbers the rows
        0, 1, 2, ... in order.
    """

    id: tuple[Any, ...]
    is_buy: BoolArray
    quantity: np.ndarray
    price: np.ndarray
    agent: Any = ""
    period: Any = 0
    zone: Any = "default"
    product: Any = "default"
    block: Any = None
    min_acceptance_ratio: Any = 0.0
    sequence: np.ndarray | None = None

    def __post_init__(self) -> None:
        ids = self.id
        object.__setattr__(
            self, "id", tuple(ids.tolist()) if isinstance(ids, np.ndarray) else tuple(ids)
        )
        for name in ("is_buy", "quantity", "price"):
            object.__setattr__(self, name, _frozen_array(name, getattr(self, name)))
        for name in PER_ROW_TEXT:
            object.__setattr__(self, name, _text_column(getattr(self, name)))
        if self.block is not None:
            object.__setattr__(self, "block", _text_column(self.block))
        for name in PER_ROW_NUMBERS:
            object.__setattr__(self, name, _number_column(name, getattr(self, name)))
        if self.sequence is not None:
            object.__setattr__(self, "sequence", _frozen_array("sequence", self.sequence))

    def __len__(self) -> int:
        return len(self.id)

    @classmethod
    def from_orders(cls, orders: Sequence[Order]) -> OrderTable:
        """The table of a list of orders (row ``k`` is ``orders[k]``)."""
        if not all(isinstance(o, Order) for o in orders):
            bad = next(k for k, o in enumerate(orders) if not isinstance(o, Order))
            raise ClearingInputError(
                f"orders[{bad}] = {orders[bad]!r} is not allowed; pass Order objects"
            )
        columns = extract_columns(orders)
        n = columns.size
        sides = columns.sides
        if sides.count(Side.BUY) + sides.count(Side.SELL) != n:  # a table holds sides as bools
            odd = next(o for o in orders if o.side not in (Side.BUY, Side.SELL))
            raise order_error(odd.id, "side", odd.side, "must be 'buy' or 'sell'")

        def column(values: list[Any], dtype: type | None = None) -> Any:
            if n and columns.shared:
                return values[0]
            return values if dtype is None else _numbers(values, dtype)

        return cls(
            id=tuple(columns.ids),
            is_buy=buy_mask(sides),
            quantity=_numbers(columns.quantities, np.float64),
            price=_numbers(columns.prices, np.float64),
            agent=columns.agents,
            period=column(columns.periods, np.int64),
            zone=column(columns.zones),
            product=column(columns.products),
            block=None if columns.blocks.count(None) == n else columns.blocks,
            min_acceptance_ratio=column(columns.ratios, np.float64),
            sequence=_numbers(columns.sequences, np.int64),
        )

    def _row(self, name: str, k: int) -> Any:
        values = getattr(self, name)
        if isinstance(values, np.ndarray):
            return values[k].item()
        if isinstance(values, tuple):
            return values[k]
        return values

    def to_orders(self) -> list[Order]:
        """The rows as ``Order`` objects (a table that has not been checked gives as it holds)."""
        return [
            Order(
                id=self.id[k],
                agent=self._row("agent", k),
                side=Side.BUY if self.is_buy[k] else Side.SELL,
                quantity=self._row("quantity", k),
                price=self._row("price", k),
                period=self._row("period", k),
                zone=self._row("zone", k),
                product=self._row("product", k),
                block=None if self.block is None else self._row("block", k),
                min_acceptance_ratio=self._row("min_acceptance_ratio", k),
                sequence=k if self.sequence is None else self._row("sequence", k),
            )
            for k in range(len(self))
        ]

