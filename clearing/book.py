"""Struct-of-arrays view of a validated order book, in tie-break order.

Orders are sorted once by ``(sequence, id)``; every later stage (merit order, LP
post-processing) breaks price ties by position in this order, which realises the documented
tie-break rule: better price, then lower submission sequence, then smaller id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from clearing.columns import NumericColumns
from clearing.types import Cell

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class BookKeys(Protocol):
    """What laying out a book needs besides its numbers: ids, sequences, cells and blocks.

    One list per field, in input order (``clearing.columns.OrderColumns`` for a list of
    ``Order``, ``clearing.table_validation`` for an ``OrderTable``). ``shared`` is True when
    every order has the first order's period, zone, product, block and minimum ratio; only the
    first element of those lists is read then (a table passes lists of that one element).
    """

    @property
    def size(self) -> int: ...

    @property
    def ids(self) -> Sequence[Any]: ...

    @property
    def sequences(self) -> Sequence[Any] | IntArray: ...

    @property
    def periods(self) -> list[Any]: ...

    @property
    def zones(self) -> list[Any]: ...

    @property
    def products(self) -> list[Any]: ...

    @property
    def blocks(self) -> list[Any]: ...

    @property
    def shared(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class OrderBook:
    """Arrays over the orders of one book, in tie-break order.

    Attributes
    ----------
    perm
        Input positions of the orders in book order (sorted by ``(sequence, id)``).
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
    is_divisible
        Orders with neither a block nor a minimum acceptance ratio.
    needs_integer
        True when some order is in a block or has a minimum acceptance ratio.
    """

    perm: IntArray
    is_buy: BoolArray
    quantity: FloatArray
    price: FloatArray
    min_ratio: FloatArray
    cell: IntArray
    cells: tuple[Cell, ...]
    block: IntArray
    blocks: tuple[str, ...]
    ids: Sequence[str]
    is_divisible: BoolArray
    needs_integer: bool

    @property
    def size(self) -> int:
        """Number of orders."""
        return len(self.ids)

    def group_of(self, position: int) -> str:
        """Name of the all-or-nothing group of the order at ``position`` in book order.

        Its block id, or its own order id when it is not in a block.
        """
        k = int(self.block[position])
        return self.blocks[k] if k >= 0 else self.ids[position]


def _sequence_array(sequences: Sequence[int] | IntArray) -> IntArray | None:
    """Sequences as int64, or None when some does not fit."""
    try:
        return np.fromiter(sequences, np.int64, len(sequences))
    except OverflowError:
        return None


def _tie_break(ids: Sequence[str], sequences: Sequence[int] | IntArray) -> tuple[IntArray, bool]:
    """Positions sorting the orders by ``(sequence, id)``, and whether that is input order.

    ``sequences`` may be a ``range`` (rows numbered in order), which is input order at once,
    or an ``int64`` array (a table's column).
    """
    n = len(ids)
    if isinstance(sequences, range) and sequences.step > 0:
        return np.arange(n, dtype=np.int64), True
    seq: IntArray | None
    if isinstance(sequences, np.ndarray) and sequences.dtype == np.int64:
        seq = sequences  # a table's column: compared as an array, not element by element
    elif n and sequences == list(range(sequences[0], sequences[0] + n)):  # numbered in order
        return np.arange(n, dtype=np.int64), True
    else:
        seq = _sequence_array(sequences)
    if seq is None:
        keyed = sorted(zip(sequences, ids, range(n), strict=True))
        perm = np.fromiter((k for _, _, k in keyed), np.int64, n)
        return perm, bool((perm == np.arange(n)).all())
    if n < 2 or (seq[1:] > seq[:-1]).all():  # already in order, no ties
        return np.arange(n, dtype=np.int64), True
    order = np.argsort(seq, kind="stable")
    in_order = seq[order]
    if (in_order[1:] == in_order[:-1]).any():
        order = np.lexsort((np.asarray(ids, dtype=str), seq))
    return order.astype(np.int64, copy=False), False


def tie_break_permutation(ids: Sequence[str], sequences: Sequence[int]) -> IntArray:
    """Positions of the orders sorted by ``(sequence, id)``."""
    return _tie_break(ids, sequences)[0]


def _all_equal(values: list[Any]) -> bool:
    return values.count(values[0]) == len(values)


def _cells(columns: BookKeys, perm: IntArray) -> tuple[tuple[Cell, ...], IntArray]:
    """The distinct cells, sorted, and each order's cell index in book order."""
    n = columns.size
    products, zones, periods = columns.products, columns.zones, columns.periods
    if n and (
        columns.shared or (_all_equal(products) and _all_equal(zones) and _all_equal(periods))
    ):
        return ((products[0], zones[0], periods[0]),), np.zeros(n, dtype=np.int64)
    cells = tuple(sorted(set(zip(products, zones, periods, strict=True))))
    if len(cells) <= 1:
        return cells, np.zeros(n, dtype=np.int64)
    cell_index = {c: k for k, c in enumerate(cells)}
    keys = zip(products, zones, periods, strict=True)
    return cells, np.fromiter(map(cell_index.__getitem__, keys), np.int64, n)[perm]


def build_book(columns: BookKeys, numeric: NumericColumns) -> OrderBook:
    """Lay a validated book out as arrays in tie-break order."""
    n = columns.size
    perm, in_order = _tie_break(columns.ids, columns.sequences)
    cells, cell = _cells(columns, perm)
    no_blocks = columns.blocks[0] is None if columns.shared else columns.blocks.count(None) == n
    if no_blocks:
        blocks: tuple[str, ...] = ()
        block = np.full(n, -1, dtype=np.int64)
    else:
        blocks = tuple(sorted({b for b in columns.blocks if b is not None}))
        block_index = {b: k for k, b in enumerate(blocks)}
        block = np.fromiter(
            (block_index[b] if b is not None else -1 for b in columns.blocks), np.int64, n
        )[perm]
    ratio = numeric.ratio if in_order else numeric.ratio[perm]
    if blocks:
        min_ratio = np.where(block >= 0, 1.0, ratio)
        divisible = (block < 0) & (min_ratio <= 0.0)
    else:
        min_ratio = ratio
        divisible = min_ratio <= 0.0
    if in_order:
        quantity, price, is_buy, ids = numeric.quantity, numeric.price, numeric.is_buy, columns.ids
    else:
        quantity, price, is_buy = numeric.quantity[perm], numeric.price[perm], numeric.is_buy[perm]
        ids = np.asarray(columns.ids, dtype=object)[perm].tolist()
    return OrderBook(
        perm=perm,
        is_buy=is_buy,
        quantity=quantity,
        price=price,
        min_ratio=min_ratio,
        cell=cell,
        cells=cells,
        block=block,
        blocks=blocks,
        ids=ids,
        is_divisible=divisible,
        needs_integer=not bool(divisible.all()),
    )
