"""The sort-based fast path for books of one cell with divisible orders only."""

from __future__ import annotations

import math

import numpy as np

from clearing.book import BoolArray, FloatArray, IntArray, OrderBook
from clearing.lp_path import Allocation
from clearing.merit_order import clear_sorted
from clearing.pricing import rule_price
from clearing.types import MarketSpec


def fast_path_applies(book: OrderBook) -> bool:
    """True when the book has at most one cell and only divisible orders."""
    return len(book.cells) <= 1 and not book.needs_integer


SMALL_BOOK_ORDERS = 2_048
"""Books up to this size are ordered by a stable sort of each side (fastest when small)."""

RADIX_RANKS = 32_768
"""Fewer distinct prices than this: ties are ordered by a radix sort of 16-bit price ranks."""


def _stable_by_side(is_buy: BoolArray, price: FloatArray) -> tuple[IntArray, IntArray]:
    buys = is_buy.nonzero()[0]
    sells = (~is_buy).nonzero()[0]
    return (
        buys[(-price[buys]).argsort(kind="stable")],
        sells[price[sells].argsort(kind="stable")],
    )


def _ranked(is_buy: BoolArray, price: FloatArray) -> tuple[IntArray, IntArray]:
    n = is_buy.size
    key = np.where(is_buy, -price, price)
    order = key.argsort()
    ordered = key[order]
    tied = ordered[1:] == ordered[:-1]
    if tied.any():
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.concatenate(([0], np.cumsum(~tied)))
        if n - int(tied.sum()) < RADIX_RANKS:
            order = rank.astype(np.int16).argsort(kind="stable")
        else:
            order = (rank * n + np.arange(n)).argsort()
    side = is_buy[order]
    return order[side], order[~side]


def merit_order_positions(is_buy: BoolArray, price: FloatArray) -> tuple[IntArray, IntArray]:
    """Book positions of the bids by descending price and of the offers by ascending price.

    Between equal prices book (tie-break) order is kept. Small books sort each side with a
    stable sort. Large books use a plain (unstable, vectorised) sort of the signed price,
    which gives each distinct price a rank; a stable radix sort of the ranks (or, with very
    many distinct prices, a plain sort of ``rank * n + position``, whose values are all
    distinct) then yields the stable order. Both give the same positions.
    """
    if is_buy.size <= SMALL_BOOK_ORDERS:
        return _stable_by_side(is_buy, price)
    return _ranked(is_buy, price)


def clear_fast(book: OrderBook, spec: MarketSpec) -> Allocation:
    """Clear a validated one-cell divisible book by merit order (see ``clearing.merit_order``)."""
    quantity, price = book.quantity, book.price
    buys, sells = merit_order_positions(book.is_buy, price)
    outcome = clear_sorted(
        quantity[buys], price[buys], quantity[sells], price[sells],
        spec.price_floor, spec.price_cap,
    )
    accepted = np.empty(book.size)
    accepted[buys] = outcome.buy_accepted
    accepted[sells] = outcome.sell_accepted
    n_cells = len(book.cells)
    low, high = outcome.price_low, outcome.price_high
    return Allocation(
        accepted=accepted, cells=book.cells, low=np.full(n_cells, low),
        high=np.full(n_cells, high),
        price=np.full(n_cells, rule_price(low, high, spec.tick)),
        cell_active=np.full(n_cells, outcome.volume > 0.0),
        flows=np.zeros(0), arcs=None, order_cell=book.cell, fixed=np.zeros(book.size, dtype=bool),
        dual=np.full(n_cells, math.nan),
    )
