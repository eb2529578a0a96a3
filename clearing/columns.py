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
    """The fields of every order of a book, one list per field, in input order."""

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
    """True where a (validated) side equals ``Side.BUY``."""
    return np.fromiter(map(operator.eq, sides, repeat(Side.BUY)), np.bool_, len(sides))


def numeric_columns(columns: OrderColumns) -> NumericColumns:
    """Convert the numeric fields and the side of validated columns to arrays."""
    return NumericColumns(
        quantity=np.asarray(columns.quantities, dtype=np.float64).reshape(-1),
        price=np.asarray(columns.prices, dtype=np.float64).reshape(-1),
        ratio=np.asarray(columns.ratios, dtype=np.float64).reshape(-1),
        is_buy=buy_mask(columns.sides),
    )


def extract_columns(orders: Sequence[Order]) -> OrderColumns:
    """Read every field of every order once (callers check the element types first).

    One list comprehension per field: for slotted ``Order`` objects this is faster than one
    comprehension of tuples followed by a transpose.
    """
    return OrderColumns(
        orders=orders,
        ids=[o.id for o in orders],
        agents=[o.agent for o in orders],
        sides=[o.side for o in orders],
        quantities=[o.quantity for o in orders],
        prices=[o.price for o in orders],
        periods=[o.period for o in orders],
        zones=[o.zone for o in orders],
        products=[o.product for o in orders],
        blocks=[o.block for o in orders],
        ratios=[o.min_acceptance_ratio for o in orders],
        sequences=[o.sequence for o in orders],
    )
