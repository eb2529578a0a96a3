"""Column extraction of an order book: one list per ``Order`` field, in input order."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from clearing.types import Order, Side

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class OrderColumns:
    """The fields of every order of a book, one list per field, in input order.

    ``shared`` is True when every order holds the very same period, zone, product, block and
    minimum-ratio objects as the first order (the usual one-cell book); those five lists then
    repeat the first order's values, and checking the first order's values checks them all.
    """

    orders: Sequence[Order]
    ids: list[Any]
    agents: list[Any]
    sides: list[Any]
    quantities: list[Any]
    prices: list[Any]
    periods: list[Any]
    zones: list[Any]
    products: list[Any]
    blocks: list[Any]
    ratios: list[Any]
    sequences: list[Any]
    shared: bool = False

    @property
    def size(self) -> int:
        """Number of orders."""
        return len(self.orders)


@dataclass(frozen=True, slots=True)
class NumericColumns:
    """Quantity, price, minimum ratio and side as arrays, in input order.

    Attributes
    ----------
    quantity
        Order quantity, in the product's unit.
    price
        Limit price, money per unit.
    ratio
        Minimum acceptance ratio.
    is_buy
        True for bids, False for offers.
    """

    quantity: FloatArray
    price: FloatArray
    ratio: FloatArray
    is_buy: BoolArray


def buy_mask(sides: list[Any]) -> BoolArray:
    """True where a side equals ``Side.BUY`` (sides already checked to be ``"buy"``/``"sell"``).

    Joining the strings and deleting the letters other than the first of each word leaves one
    byte per order, ``b`` or ``s``: two C-level passes instead of a comparison per order.
    """
    n = len(sides)
    try:
        initials = "".join(sides).encode("ascii").translate(None, b"uyel")
    except (TypeError, UnicodeEncodeError):
        initials = b""
    if len(initials) == n:
        return np.frombuffer(initials, dtype=np.uint8) == ord("b")
    return np.fromiter(map(operator.eq, sides, repeat(Side.BUY)), np.bool_, n)


def numeric_columns(columns: OrderColumns) -> NumericColumns:
    """Convert the numeric fields and the side of validated columns to arrays."""
    return NumericColumns(
        quantity=np.asarray(columns.quantities, dtype=np.float64).reshape(-1),
        price=np.asarray(columns.prices, dtype=np.float64).reshape(-1),
        ratio=np.asarray(columns.ratios, dtype=np.float64).reshape(-1),
        is_buy=buy_mask(columns.sides),
    )


def _shares_first(orders: Sequence[Order]) -> bool:
    """True when every order holds the first order's period, zone, product, block and ratio.

    Compared by identity: the same object has the same type and value, so one check of the
    first order's fields covers the book.
    """
    first = orders[0]
    period, zone, product = first.period, first.zone, first.product
    block, ratio = first.block, first.min_acceptance_ratio
    different = [
        o
        for o in orders
        if o.period is not period
        or o.zone is not zone
        or o.product is not product
        or o.block is not block
        or o.min_acceptance_ratio is not ratio
    ]
    return not different


def extract_columns(orders: Sequence[Order]) -> OrderColumns:
    """Read every field of every order once (callers check the element types first).

    One list comprehension per field: for slotted ``Order`` objects this is faster than one
    comprehension of tuples followed by a transpose. Fields every order shares with the first
    are read in one identity pass instead.
    """
    n = len(orders)
    ids = [o.id for o in orders]
    agents = [o.agent for o in orders]
    sides = [o.side for o in orders]
    quantities = [o.quantity for o in orders]
    prices = [o.price for o in orders]
    sequences = [o.sequence for o in orders]
    if n and _shares_first(orders):
        first = orders[0]
        return OrderColumns(
            orders, ids, agents, sides, quantities, prices,
            periods=[first.period] * n,
            zones=[first.zone] * n,
            products=[first.product] * n,
            blocks=[first.block] * n,
            ratios=[first.min_acceptance_ratio] * n,
            sequences=sequences,
            shared=True,
        )
    return OrderColumns(
        orders, ids, agents, sides, quantities, prices,
        periods=[o.period for o in orders],
        zones=[o.zone for o in orders],
        products=[o.product for o in orders],
        blocks=[o.block for o in orders],
        ratios=[o.min_acceptance_ratio for o in orders],
        sequences=sequences,
    )
