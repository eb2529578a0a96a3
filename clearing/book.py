"""Struct-of-arrays view of a validated order book, in tie-break order.

Orders are sorted once by ``(sequence, id)``; every later stage (merit order, LP
post-processing) breaks price ties by position in this order, which realises the documented
tie-break rule: better price, then lower submission sequence, then smaller id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clearing.types import Cell, Order, Side

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class OrderBook:
    """Arrays over the orders of one book, in tie-break order.

    Attributes
    ----------
    orders
        The orders, sorted by ``(sequence, id)``.
    is_buy
        True for bids, False for offers.
    quantity, price
        Order quantity (product unit) and limit price (money per unit).
    min_ratio
        Minimum acceptance ratio (1 for block orders: each is all-or-nothing).
    cell
        Index into ``cells`` of each order's ``(product, zone, period)``.
    cells
        The distinct cells with at least one order, sorted.
    block
        Index into ``blocks`` of each order's block, -1 when it has none.
    blocks
        The distinct block ids, sorted.
    """

    orders: tuple[Order, ...]
    is_buy: BoolArray
    quantity: FloatArray
    price: FloatArray
    min_ratio: FloatArray
    cell: IntArray
    cells: tuple[Cell, ...]
    block: IntArray
    blocks: tuple[str, ...]

    @property
    def size(self) -> int:
        """Number of orders."""
        return len(self.orders)

    @property
    def ids(self) -> list[str]:
        """Order ids, in book order."""
        return [o.id for o in self.orders]

    @property
    def is_divisible(self) -> BoolArray:
        """Orders with neither a block nor a minimum acceptance ratio."""
        return (self.block < 0) & (self.min_ratio <= 0.0)

    @property
    def needs_integer(self) -> bool:
        """True when some order is in a block or has a minimum acceptance ratio."""
        return not bool(self.is_divisible.all())


def build_book(orders: Sequence[Order]) -> OrderBook:
    """Sort a validated book into tie-break order and lay it out as arrays."""
    ordered = tuple(sorted(orders, key=lambda o: (o.sequence, o.id)))
    cell_keys = [(o.product, o.zone, o.period) for o in ordered]
    cells = tuple(sorted(set(cell_keys)))
    cell_index = {c: k for k, c in enumerate(cells)}
    blocks = tuple(sorted({o.block for o in ordered if o.block is not None}))
    block_index = {b: k for k, b in enumerate(blocks)}
    n = len(ordered)
    block = np.fromiter(
        (block_index[o.block] if o.block is not None else -1 for o in ordered), np.int64, n
    )
    ratio = np.fromiter((o.min_acceptance_ratio for o in ordered), np.float64, n)
    return OrderBook(
        orders=ordered,
        is_buy=np.fromiter((o.side == Side.BUY for o in ordered), np.bool_, n),
        quantity=np.fromiter((o.quantity for o in ordered), np.float64, n),
        price=np.fromiter((o.price for o in ordered), np.float64, n),
        min_ratio=np.where(block >= 0, 1.0, ratio),
        cell=np.fromiter((cell_index[c] for c in cell_keys), np.int64, n),
        cells=cells,
        block=block,
        blocks=blocks,
    )
