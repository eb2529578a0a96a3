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

from clearing.columns import NumericColumns, OrderColumns
from clearing.types import Cell, Order, Side

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class OrderBook:
    """Arrays over the orders of one book, in tie-break order.

    Attributes
    ----------
    source, perm
        The orders as given, and the positions that sort them by ``(sequence, id)``.
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
    ids
        Order ids, in book order.
    """

    source: Sequence[Order]
    perm: IntArray
    is_buy: BoolArray
    quantity: FloatArray
    price: FloatArray
    min_ratio: FloatArray
    cell: IntArray
    cells: tuple[Cell, ...]
    block: IntArray
    blocks: tuple[str, ...]
    ids: list[str]

    @property
    def size(self) -> int:
        """Number of orders."""
        return len(self.source)

    def order(self, position: int) -> Order:
        """The order at ``position`` in book (tie-break) order."""
        return self.source[int(self.perm[position])]


    @property
    def is_divisible(self) -> BoolArray:
        """Orders with neither a block nor a minimum acceptance ratio."""
        return (self.block < 0) & (self.min_ratio <= 0.0)

    @property
    def needs_integer(self) -> bool:
        """True when some order is in a block or has a minimum acceptance ratio."""
        return not bool(self.is_divisible.all())


def tie_break_permutation(ids: list[str], sequences: list[int]) -> IntArray:
    """Positions of the orders sorted by ``(sequence, id)``."""
    seq = np.asarray(sequences, dtype=np.int64)
    if len(set(sequences)) == len(sequences):
        return np.argsort(seq, kind="stable").astype(np.int64)
    return np.lexsort((np.asarray(ids, dtype=str), seq)).astype(np.int64)


def build_book(columns: OrderColumns, numeric: NumericColumns) -> OrderBook:
    """Lay a validated book out as arrays in tie-break order."""
    n = columns.size
    perm = tie_break_permutation(columns.ids, columns.sequences) if n else np.zeros(0, np.int64)
    distinct = set(zip(columns.products, columns.zones, columns.periods, strict=True))
    cells = tuple(sorted(distinct))
    if len(cells) <= 1:
        cell = np.zeros(n, dtype=np.int64)
    else:
        cell_index = {c: k for k, c in enumerate(cells)}
        keys = zip(columns.products, columns.zones, columns.periods, strict=True)
        cell = np.fromiter(map(cell_index.__getitem__, keys), np.int64, n)[perm]
    block = np.full(n, -1, dtype=np.int64)
    blocks: tuple[str, ...] = ()
    if columns.blocks.count(None) != n:
        blocks = tuple(sorted({b for b in columns.blocks if b is not None}))
        block_index = {b: k for k, b in enumerate(blocks)}
        block = np.fromiter(
            (block_index[b] if b is not None else -1 for b in columns.blocks), np.int64, n
        )[perm]
    ratio = numeric.ratio[perm]
    return OrderBook(
        source=columns.orders,
        perm=perm,
        is_buy=np.fromiter(map(Side.BUY.__eq__, columns.sides), np.bool_, n)[perm],
        quantity=numeric.quantity[perm],
        price=numeric.price[perm],
        min_ratio=np.where(block >= 0, 1.0, ratio),
        cell=cell,
        cells=cells,
        block=block,
        blocks=blocks,
        ids=np.asarray(columns.ids, dtype=object)[perm].tolist(),
    )
