"""Exact uniform-price clearing of many independent books at once (vectorised fast path).

Hourly green-power markets clear one book per zone and hour: thousands of small books a day.
:func:`clear_uniform_books` clears them all with a handful of sorts instead of a Python loop,
and gives for every book exactly what :func:`clearing.merit_order.clear_uniform_arrays` gives
for it alone (same merit order, tie-breaking by input position, tolerance, price rule).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from clearing.merit_order import QUANTITY_RTOL, clear_uniform_arrays

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Orders at most this share of their book's total quantity are slivers (see the end of
#: :func:`clear_uniform_books`).
SLIVER_RTOL = 1e-9
#: Largest zero-padded matrix the segmented sums build before summing book by book.
MAX_PADDED_CELLS = 5_000_000


class BookClearing(NamedTuple):
    """Result of :func:`clear_uniform_books`.

    Attributes
    ----------
    price
        Uniform price per book, shape ``(n_books,)``; ``nan`` where nothing trades.
    volume
        Traded quantity per book.
    accepted
        Accepted quantity per order, in input order.
    price_low, price_high
        Clearing interval per book.
    """

    price: FloatArray
    volume: FloatArray
    accepted: FloatArray
    price_low: FloatArray
    price_high: FloatArray


def _segment_cumsum(values: FloatArray, book_sorted: IntArray, n_books: int) -> FloatArray:
    """Cumulative sum restarting at each book (``book_sorted`` must be non-decreasing).

    Each book's sum is taken on its own (through a zero-padded books × orders matrix), so a
    small quantity after large ones in another book loses no precision.
    """
    if values.size == 0:
        return np.zeros(0)
    counts = np.bincount(book_sorted, minlength=n_books)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    position = np.arange(values.size) - starts[book_sorted]
    if n_books * int(counts.max()) > MAX_PADDED_CELLS:  # very uneven books: one at a time
        out_loop = np.empty(values.size)
        for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
            out_loop[start : start + count] = np.cumsum(values[start : start + count])
        return out_loop
    padded = np.zeros((n_books, int(counts.max())))
    padded[book_sorted, position] = values
    out: FloatArray = np.cumsum(padded, axis=1)[book_sorted, position]
    return out


def _cum_at_candidates(
    order_book: IntArray,
    order_key: FloatArray,
    order_qty: FloatArray,
    cand_book: IntArray,
    cand_key: FloatArray,
    n_books: int,
) -> FloatArray:
    """For each candidate, the book's total quantity of orders with ``key <= candidate key``."""
    n_orders, n_cand = order_book.size, cand_book.size
    book = np.concatenate((order_book, cand_book))
    key = np.concatenate((order_key, cand_key))
    kind = np.concatenate((np.zeros(n_orders, dtype=np.int8), np.ones(n_cand, dtype=np.int8)))
    qty = np.concatenate((order_qty, np.zeros(n_cand)))
    order = np.lexsort((kind, key, book))
    cum = _segment_cumsum(qty[order], book[order], n_books)
    out = np.empty(n_orders + n_cand)
    out[order] = cum
    result: FloatArray = out[n_orders:]
    return result


def clear_uniform_books(
    book: npt.ArrayLike,
    is_buy: npt.ArrayLike,
    qty: npt.ArrayLike,
    price: npt.ArrayLike,
    n_books: int,
    *,
    price_floor: float = 0.0,
    price_cap: float = 1e6,
) -> BookClearing:
    """Clear ``n_books`` independent divisible double auctions by merit order.

    Parameters
    ----------
    book
        Book index of each order, integers in ``[0, n_books)``.
    is_buy
        True for bids, False for offers.
    qty, price
        Quantities (> 0) and limit prices (within floor and cap), already validated by the
        caller. Between equal prices in a book, the order earlier in the arrays comes first.
    n_books
        Number of books.
    price_floor, price_cap
        Bounds of every clearing interval.

    Returns
    -------
    BookClearing
        Per-book prices, volumes and intervals, and per-order accepted quantities.
    """
    bk = np.asarray(book, dtype=np.int64)
    buy = np.asarray(is_buy, dtype=bool)
    q = np.asarray(qty, dtype=np.float64)
    p = np.asarray(price, dtype=np.float64)
    pos = np.arange(bk.size)
    # Merit-order key: ascending for sells, descending (negated) for buys; ties by position.
    key = np.where(buy, -p, p)
    merit = np.lexsort((pos, key, ~buy, bk))
    # Cumulative quantities within (book, side) in merit order.
    side_book = bk[merit] * 2 + (~buy[merit]).astype(np.int64)
    cum_after_sorted = _segment_cumsum(q[merit], side_book, 2 * n_books)
    cum_after = np.empty_like(q)
    cum_after[merit] = cum_after_sorted
    cum_before = cum_after - q

    # Volume per book: max over candidate prices c of min(D(c), S(c)).
    b_idx, s_idx = np.flatnonzero(buy), np.flatnonzero(~buy)
    cand_book = bk
    demand = _cum_at_candidates(bk[b_idx], -p[b_idx], q[b_idx], cand_book, -p, n_books)
    supply = _cum_at_candidates(bk[s_idx], p[s_idx], q[s_idx], cand_book, p, n_books)
    volume = np.zeros(n_books)
    if bk.size:
        np.maximum.at(volume, cand_book, np.minimum(demand, supply))

    total = np.zeros(n_books)
    np.add.at(total, bk, q)
    tol = QUANTITY_RTOL * total[bk]
    v = volume[bk]
    full = cum_after <= v + tol
    some = cum_before < v - tol
    accepted = np.where(full, q, np.where(some, v - cum_before, 0.0))

    low = np.full(n_books, float(price_floor))
    high = np.full(n_books, float(price_cap))
    lo_mask = (buy & ~full) | (~buy & some)
    hi_mask = (buy & some) | (~buy & ~full)
    np.maximum.at(low, bk[lo_mask], p[lo_mask])
    np.minimum.at(high, bk[hi_mask], p[hi_mask])
    prices = np.where(volume > 0.0, 0.5 * (low + high), np.nan)
    # Books holding an order within rounding of zero take the exact single-book path, whose
    # tolerance rules for such slivers are the reference.
    sliver = q <= SLIVER_RTOL * total[bk]
    for k in np.unique(bk[sliver]):
        rows = np.flatnonzero(bk == k)
        b_rows, s_rows = rows[buy[rows]], rows[~buy[rows]]
        alone = clear_uniform_arrays(
            q[b_rows],
            p[b_rows],
            q[s_rows],
            p[s_rows],
            price_floor=price_floor,
            price_cap=price_cap,
            check=False,
        )
        accepted[b_rows], accepted[s_rows] = alone.buy_accepted, alone.sell_accepted
        prices[k], volume[k] = alone.price, alone.volume
        low[k], high[k] = alone.price_low, alone.price_high
    return BookClearing(prices, volume, accepted, low, high)
