"""The sort-based fast path for books of one cell with divisible orders only."""

from __future__ import annotations

import numpy as np

from clearing.book import OrderBook
from clearing.lp_path import Allocation
from clearing.merit_order import clear_uniform_arrays
from clearing.pricing import rule_price
from clearing.types import MarketSpec


def fast_path_applies(book: OrderBook) -> bool:
    """True when the book has at most one cell and only divisible orders."""
    return len(book.cells) <= 1 and not book.needs_integer


def clear_fast(book: OrderBook, spec: MarketSpec) -> Allocation:
    """Clear a validated one-cell divisible book by merit order (see ``clearing.merit_order``)."""
    buys = book.is_buy
    outcome = clear_uniform_arrays(
        book.quantity[buys], book.price[buys], book.quantity[~buys], book.price[~buys],
        price_floor=spec.price_floor, price_cap=spec.price_cap, check=False,
    )
    accepted = np.empty(book.size)
    accepted[buys] = outcome.buy_accepted
    accepted[~buys] = outcome.sell_accepted
    n_cells = len(book.cells)
    low = np.full(n_cells, outcome.price_low)
    high = np.full(n_cells, outcome.price_high)
    price = np.full(n_cells, rule_price(outcome.price_low, outcome.price_high, spec.tick))
    return Allocation(
        accepted=accepted, cells=book.cells, low=low, high=high, price=price,
        cell_active=np.full(n_cells, outcome.volume > 0.0), flows=np.zeros(0), arcs=None,
        order_cell=book.cell.copy(), fixed=np.zeros(book.size, dtype=bool),
        dual=np.full(n_cells, np.nan),
    )
