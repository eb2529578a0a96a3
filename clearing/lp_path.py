"""Clearing through the PuLP model: solve, fix block decisions, read duals, post-process.

Stages: build the model (:mod:`clearing.formulation`); when blocks or minimum acceptance
ratios exist, solve the MILP, then among decisions within ``WELFARE_RTOL`` of the best welfare
prefer more accepted blocks, then earlier ones (:func:`block_preference_weights`), fix every
binary and solve the LP so duals exist; snap accepted quantities to their bounds; derive the
clearing interval per cell from the allocation and publish its midpoint
(:mod:`clearing.pricing`); redistribute marginal divisible orders of each cell by tie-break
order, maximising traded volume (welfare is unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pulp

from clearing.book import OrderBook
from clearing.formulation import ClearingModel, FlowArcs, build_model
from clearing.network import Arc
from clearing.pricing import order_price_bounds, propagate_links, rule_prices
from clearing.solvers import solve
from clearing.types import Cell, MarketSpec

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

BLOCK_PREFERENCE_DEPTH = 20
WELFARE_RTOL = 1e-9

SNAP_RTOL = 1e-7
"""Solver values within this (relative to max(1, bound)) of a bound are set to the bound."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """Outcome of a clearing path before settlement.

    Attributes
    ----------
    accepted
        Accepted quantity per order, in book order.
    cells
        Cells priced: every cell of the model.
    low, high, price
        Clearing interval and published price per cell (price before the no-trade rule).
    cell_active
        True where some order traded or some flow entered or left the cell.
    flows
        Per arc entry of ``arcs``: flow in quantity units.
    arcs
        Arc layout (``None`` for the fast path).
    order_cell
        Index into ``cells`` of each order.
    fixed
        Orders whose quantity the block decisions fixed (accepted blocks, rejected
        fill-or-kill or minimum-ratio orders).
    dual
        Solver dual per cell (``nan`` for the fast path).
    """

    accepted: FloatArray
    cells: tuple[Cell, ...]
    low: FloatArray
    high: FloatArray
    price: FloatArray
    cell_active: BoolArray
    flows: FloatArray
    arcs: FlowArcs | None
    order_cell: npt.NDArray[np.int64]
    fixed: BoolArray
    dual: FloatArray


def _value(var: pulp.LpVariable) -> float:
    value = var.varValue
    return 0.0 if value is None else float(value)


def _decisions(model: ClearingModel) -> FloatArray:
    return np.array([round(_value(u)) for u in model.binaries], dtype=np.float64)


def _fix_binaries(model: ClearingModel, decisions: FloatArray) -> None:
    for u, v in zip(model.binaries, decisions.tolist(), strict=True):
        u.cat = pulp.LpContinuous
        u.lowBound = v
        u.upBound = v


def block_preference_weights(count: int) -> list[float]:
    """Secondary-objective weights ranking equally good block decisions.

    Weight ``1 + 2**-(k+1)`` for the ``k``-th binary (blocks by id, then minimum-ratio orders in
    tie-break order; 1 from the 20th on): more accepted blocks first, then earlier ones.
    """
    return [1.0 + (2.0 ** -(k + 1) if k < BLOCK_PREFERENCE_DEPTH else 0.0) for k in range(count)]


def _solve_block_decisions(model: ClearingModel, solver: str) -> FloatArray:
    """Solve the MILP, then pick among welfare-maximising decisions by a fixed preference."""
    problem = model.problem
    solve(problem, solver)
    if len(model.binaries) > 1:
        objective = problem.objective
        best = float(pulp.value(objective) or 0.0)
        tolerance = WELFARE_RTOL * max(1.0, abs(best))
        problem += pulp.LpConstraint(
            objective, sense=pulp.LpConstraintLE, rhs=best + tolerance, name="welfare_floor"
        )
        weights = block_preference_weights(len(model.binaries))
        problem.setObjective(
            pulp.LpAffineExpression(list(zip(model.binaries, [-w for w in weights], strict=True)))
        )
        solve(problem, solver)
    return _decisions(model)


def _order_bounds(book: OrderBook, model: ClearingModel, decisions: FloatArray) -> tuple[
    FloatArray, FloatArray
]:
    lower = np.zeros(book.size)
    upper = book.quantity.copy()
    for decision, positions in zip(decisions.tolist(), model.binary_orders, strict=True):
        idx = np.asarray(positions, dtype=np.int64)
        upper[idx] = book.quantity[idx] * decision
        lower[idx] = book.quantity[idx] * book.min_ratio[idx] * decision
    return lower, upper


def _snap(values: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Set values within tolerance of a bound to that bound.

    A range narrower than the tolerance (a tiny order) is within tolerance of both bounds; the
    value then goes to the nearer one, so a solver's 0 stays 0.
    """
    values = np.clip(values, lower, upper)
    at_upper = values >= upper - SNAP_RTOL * np.maximum(1.0, upper)
    at_lower = values <= lower + SNAP_RTOL * np.maximum(1.0, lower)
    to_upper = at_upper & ~(at_lower & (values - lower < upper - values))
    return np.where(to_upper, upper, np.where(at_lower, lower, values))


def _redistribute_marginal(
    book: OrderBook, accepted: FloatArray, order_cell: npt.NDArray[np.int64],
    price: FloatArray, divisible: BoolArray, net_import: FloatArray,
) -> FloatArray:
    """Give each cell's marginal divisible quantity by tie-break order, maximising volume.

    The marginal orders' net position is recomputed from the balance (orders off the margin,
    which sit at their bounds, and flows) rather than read from the solver, so solvers that
    report values with few digits give the same allocation.
    """
    tol = 1e-9 * np.maximum(1.0, np.abs(price[order_cell]))
    marginal = divisible & (np.abs(book.price - price[order_cell]) <= tol)
    if not marginal.any():
        return accepted
    accepted = accepted.copy()
    signed = np.where(book.is_buy, accepted, -accepted)
    for k in np.unique(order_cell[marginal]).tolist():
        in_cell = order_cell == k
        buys = np.flatnonzero(in_cell & marginal & book.is_buy)
        sells = np.flatnonzero(in_cell & marginal & ~book.is_buy)
        # Balance: sum(buys) - sum(sells) = net import of the cell.
        net = float(net_import[k]) - float(signed[in_cell & ~marginal].sum())
        buy_total = min(book.quantity[buys].sum(), book.quantity[sells].sum() + net)
        buy_total = max(buy_total, net, 0.0)
        for positions, total in ((buys, buy_total), (sells, buy_total - net)):
            qty = book.quantity[positions]
            before = np.cumsum(qty) - qty
            accepted[positions] = np.clip(total - before, 0.0, qty)
    return accepted


def clear_lp(book: OrderBook, spec: MarketSpec, arcs: tuple[Arc, ...], solver: str) -> Allocation:
    """Clear a validated book with the PuLP model and solver ``"highs"`` or ``"cbc"``."""
    model = build_model(book, arcs)
    decisions = np.zeros(0)
    if model.binaries:
        decisions = _solve_block_decisions(model, solver)
        model = build_model(book, arcs)
        _fix_binaries(model, decisions)
    solve(model.problem, solver)

    lower, upper = _order_bounds(book, model, decisions)
    accepted = _snap(np.array([_value(v) for v in model.x]), lower, upper)
    flows = _snap(
        np.array([_value(f) for f in model.flows]), np.zeros(len(model.flows)),
        model.arcs.capacity,
    )
    dual = np.array([np.nan if c.pi is None else float(c.pi) for c in model.balance])

    cell_pos = {c: k for k, c in enumerate(model.cells)}
    book_to_model = np.fromiter((cell_pos[c] for c in book.cells), np.int64, len(book.cells))
    order_cell = book_to_model[book.cell] if book.size else np.zeros(0, np.int64)
    fixed = upper - lower <= SNAP_RTOL * np.maximum(1.0, upper)
    tol = SNAP_RTOL * np.maximum(1.0, book.quantity)
    can_decrease = ~fixed & (accepted > lower + tol)
    can_increase = ~fixed & (accepted < upper - tol)
    low, high = order_price_bounds(
        len(model.cells), order_cell, book.is_buy, book.price, can_decrease, can_increase,
        spec.price_floor, spec.price_cap,
    )
    arcs_layout = model.arcs
    flow_tol = SNAP_RTOL * np.maximum(1.0, arcs_layout.capacity)
    carries = flows > flow_tol
    spare = flows < arcs_layout.capacity - flow_tol
    src = np.concatenate((arcs_layout.src_cell[carries], arcs_layout.dst_cell[spare]))
    dst = np.concatenate((arcs_layout.dst_cell[carries], arcs_layout.src_cell[spare]))
    gap = np.concatenate((arcs_layout.fee[carries], -arcs_layout.fee[spare]))
    low, high, consistent = propagate_links(low, high, src, dst, gap)
    if not consistent:
        crossed = low > high
        fallback = np.clip(np.nan_to_num(dual, nan=spec.price_floor), spec.price_floor,
                           spec.price_cap)
        low = np.where(crossed, fallback, low)
        high = np.where(crossed, fallback, high)
    price = rule_prices(low, high, spec.tick)

    net_import = np.zeros(len(model.cells))
    np.add.at(net_import, arcs_layout.dst_cell, flows)
    np.subtract.at(net_import, arcs_layout.src_cell, flows)
    accepted = _redistribute_marginal(
        book, accepted, order_cell, price, book.is_divisible, net_import
    )

    active = np.zeros(len(model.cells), dtype=bool)
    active[order_cell[accepted > 0.0]] = True
    moving = flows > 0.0
    active[arcs_layout.src_cell[moving]] = True
    active[arcs_layout.dst_cell[moving]] = True
    return Allocation(
        accepted=accepted, cells=model.cells, low=low, high=high, price=price,
        cell_active=active, flows=flows, arcs=arcs_layout, order_cell=order_cell,
        fixed=fixed, dual=dual,
    )
