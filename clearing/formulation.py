"""PuLP model of a welfare-maximising clearing, written as a cost minimisation.

Variables
    ``x_i`` accepted quantity of order ``i``; ``u_k`` binary acceptance of block ``k`` (every
    order of the block then trades ``x_i = q_i u_k``) or of an order with a minimum acceptance
    ratio ``r`` (``r q_i u <= x_i <= q_i u``); ``f_a`` flow on a directed arc per period and
    product (``0 <= f_a <= capacity``).

Objective (minimise)
    ``sum(offer price * x over sells) - sum(bid price * x over buys) + sum(fee * f)``, i.e.
    minus welfare.

Balance, one per cell ``(product, zone, period)``
    ``sum(x sells) - sum(x buys) + inflow - outflow == 0``. Written this way, the constraint's
    dual is the cell's price (the reduced cost of a buy is ``price - bid``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pulp

from clearing.book import OrderBook
from clearing.network import Arc
from clearing.types import Cell

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class FlowArcs:
    """Arc variables laid out over (arc, product, period), with cell indices of both ends."""

    src_cell: IntArray
    dst_cell: IntArray
    capacity: FloatArray
    fee: FloatArray
    keys: tuple[tuple[str, str, str, int], ...]  # (product, from_zone, to_zone, period)


@dataclass(frozen=True, slots=True)
class ClearingModel:
    """A built PuLP problem and handles on its variables and constraints."""

    problem: pulp.LpProblem
    x: list[pulp.LpVariable]
    binaries: list[pulp.LpVariable]
    binary_orders: list[list[int]]  # order positions governed by each binary
    flows: list[pulp.LpVariable]
    arcs: FlowArcs
    balance: list[pulp.LpConstraint]
    cells: tuple[Cell, ...]


def model_cells(book: OrderBook, arcs: tuple[Arc, ...]) -> tuple[Cell, ...]:
    """Cells of the model: the book's cells plus zones reached by arcs, per product and period."""
    cells = set(book.cells)
    if arcs:
        linked = {a.from_zone for a in arcs} | {a.to_zone for a in arcs}
        for product, period in {(c[0], c[2]) for c in book.cells}:
            cells.update((product, zone, period) for zone in linked)
    return tuple(sorted(cells))


def layout_arcs(arcs: tuple[Arc, ...], cells: tuple[Cell, ...]) -> FlowArcs:
    """One flow per arc and (product, period) present, with positive capacity."""
    index = {c: k for k, c in enumerate(cells)}
    product_periods = sorted({(c[0], c[2]) for c in cells})
    src: list[int] = []
    dst: list[int] = []
    cap: list[float] = []
    fee: list[float] = []
    keys: list[tuple[str, str, str, int]] = []
    for product, period in product_periods:
        for arc in arcs:
            if arc.capacity <= 0.0:
                continue
            src.append(index[(product, arc.from_zone, period)])
            dst.append(index[(product, arc.to_zone, period)])
            cap.append(arc.capacity)
            fee.append(arc.wheeling_fee)
            keys.append((product, arc.from_zone, arc.to_zone, period))
    return FlowArcs(
        src_cell=np.asarray(src, dtype=np.int64),
        dst_cell=np.asarray(dst, dtype=np.int64),
        capacity=np.asarray(cap, dtype=np.float64),
        fee=np.asarray(fee, dtype=np.float64),
        keys=tuple(keys),
    )


def build_model(book: OrderBook, arcs: tuple[Arc, ...]) -> ClearingModel:
    """Build the clearing MILP (an LP when every order is divisible)."""
    cells = model_cells(book, arcs)
    cell_pos = {c: k for k, c in enumerate(cells)}
    book_to_model = np.fromiter((cell_pos[c] for c in book.cells), np.int64, len(book.cells))
    order_cell = book_to_model[book.cell] if book.size else np.zeros(0, np.int64)
    flow_arcs = layout_arcs(arcs, cells)

    problem = pulp.LpProblem("clearing", pulp.LpMinimize)
    qty = book.quantity.tolist()
    x = [problem.add_variable(f"x{i:07d}", lowBound=0.0, upBound=qty[i]) for i in range(book.size)]
    flows = [
        problem.add_variable(f"f{a:06d}", lowBound=0.0, upBound=float(c))
        for a, c in enumerate(flow_arcs.capacity.tolist())
    ]

    sign = np.where(book.is_buy, -1.0, 1.0)
    cost = (sign * book.price).tolist()
    objective = pulp.LpAffineExpression(
        [(x[i], cost[i]) for i in range(book.size)]
        + [(flows[a], fee) for a, fee in enumerate(flow_arcs.fee.tolist())]
    )
    problem += objective

    terms: list[list[tuple[pulp.LpVariable, float]]] = [[] for _ in cells]
    signs = sign.tolist()
    for i, k in enumerate(order_cell.tolist()):
        terms[k].append((x[i], signs[i]))
    for a, (s, d) in enumerate(zip(flow_arcs.src_cell.tolist(), flow_arcs.dst_cell.tolist(),
                                   strict=True)):
        terms[s].append((flows[a], -1.0))
        terms[d].append((flows[a], 1.0))
    balance: list[pulp.LpConstraint] = []
    for k, cell_terms in enumerate(terms):
        constraint = pulp.LpConstraint(
            pulp.LpAffineExpression(cell_terms), sense=pulp.LpConstraintEQ, rhs=0.0,
            name=f"balance{k:06d}",
        )
        problem += constraint
        balance.append(constraint)

    binaries, binary_orders = _add_binaries(problem, book, x)
    return ClearingModel(problem, x, binaries, binary_orders, flows, flow_arcs, balance, cells)


def _add_binaries(
    problem: pulp.LpProblem, book: OrderBook, x: list[pulp.LpVariable]
) -> tuple[list[pulp.LpVariable], list[list[int]]]:
    binaries: list[pulp.LpVariable] = []
    governed: list[list[int]] = []
    members: list[list[int]] = [[] for _ in book.blocks]
    for i, b in enumerate(book.block.tolist()):
        if b >= 0:
            members[b].append(i)
    qty = book.quantity.tolist()
    for b, positions in enumerate(members):
        u = problem.add_variable(f"ublock{b:06d}", 0, 1, cat=pulp.LpInteger)
        for i in positions:
            problem += pulp.LpConstraint(x[i] - qty[i] * u, sense=pulp.LpConstraintEQ, rhs=0.0)
        binaries.append(u)
        governed.append(positions)
    ratio = book.min_ratio.tolist()
    for i in np.flatnonzero((book.block < 0) & (book.min_ratio > 0.0)).tolist():
        u = problem.add_variable(f"uorder{i:07d}", 0, 1, cat=pulp.LpInteger)
        problem += pulp.LpConstraint(x[i] - qty[i] * u, sense=pulp.LpConstraintLE, rhs=0.0)
        problem += pulp.LpConstraint(
            x[i] - ratio[i] * qty[i] * u, sense=pulp.LpConstraintGE, rhs=0.0
        )
        binaries.append(u)
        governed.append([i])
    return binaries, governed
