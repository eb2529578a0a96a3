"""Column extraction of an order book: one list per ``Order`` field, in input order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from clearing.types import Order


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
    """Quantity, price and minimum ratio as float arrays, in input order."""

    quantity: npt.NDArray[np.float64]
    price: npt.NDArray[np.float64]
    ratio: npt.NDArray[np.float64]


def numeric_columns(columns: OrderColumns) -> NumericColumns:
    """Convert the numeric fields of validated columns to float arrays."""
    return NumericColumns(
        quantity=np.asarray(columns.quantities, dtype=np.float64).reshape(-1),
        price=np.asarray(columns.prices, dtype=np.float64).reshape(-1),
        ratio=np.asarray(columns.ratios, dtype=np.float64).reshape(-1),
    )


def extract_columns(orders: Sequence[Order]) -> OrderColumns:
    """Read every field of every order once (callers check the element types first)."""
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
