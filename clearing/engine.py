"""``clear``: validate a book, pick a clearing path, settle, and assemble the result."""

from __future__ import annotations

import time
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from clearing.book import FloatArray, OrderBook, build_book
from clearing.errors import ClearingInputError
from clearing.fast_path import clear_fast, fast_path_applies
from clearing.lp_path import Allocation, clear_lp
from clearing.network import directed_arcs
from clearing.order_values import OrderValues
from clearing.settlement import settle
from clearing.solvers import LP_SOLVERS
from clearing.table import OrderTable
from clearing.table_validation import validate_table
from clearing.types import ClearingResult, Link, MarketSpec, Order
from clearing.validation import validate, validate_spec

SOLVERS: tuple[str, ...] = ("auto", "fast", *LP_SOLVERS)
DEFAULT_SPEC = MarketSpec()


def _flows(allocation: Allocation) -> dict[Link, float]:
    flows: dict[Link, float] = {}
    if allocation.arcs is None:
        return flows
    for (_product, src, dst, period), value in zip(
        allocation.arcs.keys, allocation.flows.tolist(), strict=True
    ):
        if value > 0.0:
            key = (src, dst, period)
            flows[key] = flows.get(key, 0.0) + value
    return flows


def _per_order(
    book: OrderBook, accepted: FloatArray, payments: FloatArray, exact: bool
) -> tuple[OrderValues, OrderValues, bool]:
    """Accepted quantity and payment per order id, in book order, and whether any traded.

    Orders that did not trade get exactly 0.0 for both (never a rounding residue or -0.0).
    ``exact``: the sort-based path, whose accepted quantities are exactly 0.0 or positive and
    whose payments are then exactly 0.0 already (settlement adds 0.0, which turns -0.0 into 0.0).
    """
    if exact:
        any_traded = bool(accepted.any())
    else:
        traded = accepted > 0.0
        any_traded = bool(traded.any())
        if not traded.all():
            accepted = np.where(traded, accepted, 0.0)
            payments = np.where(traded, payments, 0.0)
    # The arrays are this clearing's own (the allocation is discarded): freeze, do not copy.
    accepted.flags.writeable = False
    payments.flags.writeable = False
    return OrderValues(book.ids, accepted), OrderValues(book.ids, payments), any_traded


def clear(
    orders: Sequence[Order] | OrderTable, spec: MarketSpec = DEFAULT_SPEC, solver: str = "auto"
) -> ClearingResult:
    """Clear an order book.

    Parameters
    ----------
    orders
        The book: a list of :class:`clearing.types.Order`, or the same orders as columns in an
        :class:`clearing.table.OrderTable` (same result, less per-order work). Ids must be
        unique.
    spec
        Market rules: pricing rule, price floor and cap, tick, zones and interconnectors.
    solver
        ``"auto"``: the exact sort-based path when the book has one product, zone and period and
        only divisible orders, else HiGHS. ``"fast"``: the sort-based path (error if it does not
        apply). ``"highs"`` or ``"cbc"``: the PuLP model with that solver.

    Returns
    -------
    ClearingResult
        Uniform prices per cell (midpoint of the clearing interval, see ``clearing.pricing``),
        accepted quantities and payments per order, volume, welfare and diagnostics.

    Raises
    ------
    ClearingInputError
        On a malformed book or specification, or an unknown or inapplicable solver; raised
        before any clearing work.
    InfeasibleClearing
        When an LP solver fails to return an optimal solution.
    """
    started = time.perf_counter()
    if solver not in SOLVERS:
        raise ClearingInputError(f"solver = {solver!r} is not allowed; use one of {list(SOLVERS)}")
    if isinstance(orders, OrderTable):
        validate_spec(spec)
        book = build_book(*validate_table(orders, spec))
    else:
        book = build_book(*validate(orders, spec))
    fast_ok = fast_path_applies(book)
    if solver == "fast" and not fast_ok:
        raise ClearingInputError(
            f"solver = 'fast' cannot clear this book ({len(book.cells)} product/zone/period "
            "cells, block or minimum-acceptance orders present); it needs one cell and only "
            "divisible orders: use solver='auto', 'highs' or 'cbc'"
        )
    if solver in ("auto", "fast") and fast_ok:
        used = "fast"
        allocation = clear_fast(book, spec)
    else:
        used = "highs" if solver == "auto" else solver
        allocation = clear_lp(book, spec, directed_arcs(spec), used)
    settlement = settle(book, allocation, spec.rule)

    if len(allocation.cells) == 1:
        reported = np.array([book.size > 0 or bool(allocation.cell_active[0])])
    else:
        reported = allocation.cell_active.copy()
        reported[allocation.order_cell] = True
    prices = {
        cell: float(settlement.published_price[k])
        for k, cell in enumerate(allocation.cells)
        if reported[k]
    }
    intervals = {
        cell: (float(allocation.low[k]), float(allocation.high[k]))
        for k, cell in enumerate(allocation.cells)
        if cell in prices
    }
    accepted, payments, traded = _per_order(
        book, allocation.accepted, settlement.payments, exact=used == "fast"
    )
    return ClearingResult(
        status="optimal" if traded else "no_trade",
        prices=MappingProxyType(prices),
        accepted=accepted,
        payments=payments,
        volume=settlement.volume,
        welfare=settlement.welfare,
        solver=used,
        solve_time_s=time.perf_counter() - started,
        paradoxically_accepted_blocks=settlement.paradoxically_accepted,
        flows=MappingProxyType(_flows(allocation)),
        price_intervals=MappingProxyType(intervals),
        paradoxically_rejected_blocks=settlement.paradoxically_rejected,
    )
