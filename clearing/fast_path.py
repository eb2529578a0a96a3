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


def merit_order_positions(is_buy: BoolArray, price: FloatArray) -> tuple[IntArray, IntArray]:
    """Book positions of the bids by descending price and of the offers by ascending price.

    Between equal prices book (tie-break) order is kept. A plain (unstable, vectorised) sort
    of the signed price gives each distinct price a rank; sorting ``rank * n + position``,
    whose values are all distinct, then yields the stable order.
    """
    n = is_buy.size
    key = np.where(is_buy, -price, price)
    order = key.argsort()
    ordered = key[order]
    tied = ordered[1:] == ordered[:-1]
    if tied.any():
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.concatenate(([0], np.cumsum(~tied)))
        order = (rank * n + np.arange(n)).argsort()
    side = is_buy[order]
    return order[side], order[~side]


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
        accepted=accepted, cells=book.cells, low=np.array([low] * n_cells),
        high=np.array([high] * n_cells),
        price=np.array([rule_price(low, high, spec.tick)] * n_cells),
        cell_active=np.array([outcome.volume > 0.0] * n_cells, dtype=bool),
        flows=np.zeros(0), arcs=None, order_cell=book.cell, fixed=np.zeros(book.size, dtype=bool),
        dual=np.array([math.nan] * n_cells),
    )
