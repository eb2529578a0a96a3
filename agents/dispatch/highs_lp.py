"""The dispatch programme as arrays, solved through HiGHS' own interface (``highspy``).

The programme is the one :mod:`agents.dispatch.lp` states in PuLP, built here with numpy in
column-wise sparse form and handed to HiGHS in one call. Columns come in the order PuLP gives
HiGHS (sorted by the PuLP variable name: ``c{g}_{k}``, ``curt{k}``, ``d{g}_{k}``, ``dir{k}``,
``exp{k}``, ``imp{k}``, ``peak{p}``, ``s{g}_{k}``, ``uns{k}``) and rows in the order PuLP adds
them, so HiGHS solves the same programme either way and returns the same solution. The
permutation and the constraint matrix depend only on the programme's shape (steps, unit groups
and their efficiencies, billing periods, steps where export pays more than import) and are
cached: a re-plan of the same shape only fills in bounds, costs and right-hand sides. Each
thread keeps one HiGHS instance; passing a model replaces the previous one with its solution and
basis, so every solve starts afresh.

Row blocks, in order: the storage balance of each group and step, the bus balance of each
step, the peak of each step (with a demand rate), the two no-round-trip cuts of each step whose
export price exceeds its import price, and, when the relaxation still imports and exports at
once, the two direction constraints of each such step with its binary.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from agents.dispatch.lp_programme import (
    BALANCE_TOLERANCE_KW,
    MIP_GAP_REL,
    TIE_BREAK_CNY_PER_KWH,
    DispatchPlanningError,
    DispatchProgramme,
    GroupSolution,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
#: Entries of a block of rows: local row indices, build columns and values (broadcast together).
Entries = list[tuple[ArrayLike, ArrayLike, ArrayLike]]


@functools.cache
def highs_available() -> bool:
    """Whether ``highspy`` can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class _Layout:
    """Where each variable block sits (build order) and the column of each build index."""

    n_steps: int
    n_groups: int
    n_peaks: int
    n_dirs: int
    column: IntArray

    @property
    def n_cols(self) -> int:
        return int(self.column.size)

    def imp(self) -> IntArray:
        return np.arange(self.n_steps)

    def exp(self) -> IntArray:
        return self.n_steps + np.arange(self.n_steps)

    def curt(self) -> IntArray:
        return 2 * self.n_steps + np.arange(self.n_steps)

    def uns(self) -> IntArray:
        return 3 * self.n_steps + np.arange(self.n_steps)

    def _grid(self, block: int) -> IntArray:
        """Build indices of a per-group block, shape ``(G, H)``."""
        h, g = self.n_steps, self.n_groups
        first = 4 * h + block * g * h
        return first + np.arange(g * h).reshape(g, h)

    def charge(self) -> IntArray:
        return self._grid(0)

    def discharge(self) -> IntArray:
        return self._grid(1)

    def soc(self) -> IntArray:
        return self._grid(2)

    def peak(self) -> IntArray:
        return 4 * self.n_steps + 3 * self.n_groups * self.n_steps + np.arange(self.n_peaks)

    def direction(self) -> IntArray:
        first = 4 * self.n_steps + 3 * self.n_groups * self.n_steps + self.n_peaks
        return first + np.arange(self.n_dirs)


@functools.lru_cache(maxsize=64)
def _layout(
    n_steps: int, n_groups: int, periods: tuple[int, ...], dirs: tuple[int, ...]
) -> _Layout:
    """The layout of a programme's shape, with PuLP's column order (sorted names)."""
    steps = range(n_steps)
    names = [f"{prefix}{k}" for prefix in ("imp", "exp", "curt", "uns") for k in steps]
    for prefix in ("c", "d", "s"):
        names += [f"{prefix}{g}_{k}" for g in range(n_groups) for k in steps]
    names += [f"peak{p}" for p in periods]
    names += [f"dir{k}" for k in dirs]
    order = sorted(range(len(names)), key=names.__getitem__)
    column = np.empty(len(names), dtype=np.int64)
    column[order] = np.arange(len(names))
    column.flags.writeable = False
    return _Layout(n_steps, n_groups, len(periods), len(dirs), column)


@dataclass
class _Rows:
    """A growing list of rows: entries (row, build column, value)."""

    rows: list[IntArray]
    cols: list[IntArray]
    values: list[FloatArray]
    count: int = 0

    def add(self, n_rows: int, entries: Entries) -> None:
        """Append ``n_rows`` rows; each entry gives local row indices, columns and values."""
        for row_like, col_like, value_like in entries:
            row, col, value = np.broadcast_arrays(
                np.asarray(row_like, dtype=np.int64),
                np.asarray(col_like, dtype=np.int64),
                np.asarray(value_like, dtype=np.float64),
            )
            self.rows.append(self.count + row.ravel())
            self.cols.append(col.ravel())
            self.values.append(value.ravel())
        self.count += n_rows


@dataclass(frozen=True)
class _Shape:
    """Everything the constraint matrix depends on (hashable: one matrix per shape)."""

    n_steps: int
    n_groups: int
    peak_periods: tuple[int, ...]
    period_of_step: tuple[int, ...]
    reversed_steps: tuple[int, ...]
    mip: bool
    to_store: tuple[float, ...]
    from_store: tuple[float, ...]
    kappa: tuple[float, ...]
    limit_kw: float

    def layout(self) -> _Layout:
        dirs = self.reversed_steps if self.mip else ()
        return _layout(self.n_steps, self.n_groups, self.peak_periods, dirs)


def _shape(programme: DispatchProgramme, mip: bool) -> _Shape:
    problem = programme.problem
    dt = problem.dt_h
    where = {p: j for j, p in enumerate(programme.peak_periods)}
    return _Shape(
        n_steps=programme.n_steps,
        n_groups=programme.n_groups,
        peak_periods=programme.peak_periods,
        period_of_step=(tuple(where[p] for p in problem.billing_period.tolist()) if where else ()),
        reversed_steps=programme.reversed_steps,
        mip=mip,
        to_store=tuple((programme.eta_charge_g * dt).tolist()),
        from_store=tuple((dt / programme.eta_discharge_g).tolist()),
        kappa=tuple(programme.kappa_g.tolist()),
        limit_kw=float(problem.grid_limit_kw),
    )


@dataclass(frozen=True)
class _Matrix:
    """A column-wise constraint matrix and the number of its rows."""

    n_rows: int
    start: NDArray[np.int32]
    index: NDArray[np.int32]
    value: FloatArray
    integrality: NDArray[np.int32]


@functools.lru_cache(maxsize=64)
def _matrix(shape: _Shape) -> _Matrix:
    """The constraint matrix of a shape, in PuLP's column and row order (zeros left out)."""
    lay = shape.layout()
    h, g_n = shape.n_steps, shape.n_groups
    steps = np.arange(h)
    imp, exp, curt, uns = lay.imp(), lay.exp(), lay.curt(), lay.uns()
    charge, discharge, soc = lay.charge(), lay.discharge(), lay.soc()
    peak, direction = lay.peak(), lay.direction()
    rows = _Rows([], [], [])
    # Storage balance per group and step: s - η_c dt c + dt/η_d d - κ s_prev = floor gain.
    local = np.arange(g_n * h).reshape(g_n, h)
    kappa = np.asarray(shape.kappa, dtype=np.float64)[:, None]
    rows.add(
        g_n * h,
        [
            (local, soc, 1.0),
            (local, charge, -np.asarray(shape.to_store, dtype=np.float64)[:, None]),
            (local, discharge, np.asarray(shape.from_store, dtype=np.float64)[:, None]),
            (local[:, 1:], soc[:, :-1], -kappa),
        ],
    )
    # Bus balance per step.
    rows.add(
        h,
        [
            (steps, imp, 1.0),
            (steps, exp, -1.0),
            (steps, curt, -1.0),
            (steps, uns, 1.0),
            (steps[None, :], charge, -1.0),
            (steps[None, :], discharge, 1.0),
        ],
    )
    if shape.peak_periods:
        period_of_step = np.asarray(shape.period_of_step, dtype=np.int64)
        rows.add(h, [(steps, peak[period_of_step], 1.0), (steps, imp, -1.0)])
    reversed_steps = np.asarray(shape.reversed_steps, dtype=np.int64)
    m = reversed_steps.size
    pair = 2 * np.arange(m)
    if m:
        rows.add(
            2 * m,
            [
                (pair, imp[reversed_steps], 1.0),
                (pair[None, :], charge[:, reversed_steps], -1.0),
                (pair + 1, exp[reversed_steps], 1.0),
                (pair[None, :] + 1, discharge[:, reversed_steps], -1.0),
            ],
        )
    if shape.mip:
        limit = shape.limit_kw
        rows.add(
            2 * m,
            [
                (pair, imp[reversed_steps], 1.0),
                (pair, direction, -limit),
                (pair + 1, exp[reversed_steps], 1.0),
                (pair + 1, direction, limit),
            ],
        )
    row = np.concatenate(rows.rows)
    col = lay.column[np.concatenate(rows.cols)]
    value = np.concatenate(rows.values)
    keep = value != 0.0
    row, col, value = row[keep], col[keep], value[keep]
    order = np.lexsort((row, col))
    n = lay.n_cols
    start = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(col, minlength=n), out=start[1:])
    integrality = np.zeros(n, dtype=np.int32)
    integrality[lay.column[direction]] = 1
    matrix = _Matrix(
        n_rows=rows.count,
        start=start[:-1],
        index=row[order].astype(np.int32),
        value=value[order],
        integrality=integrality,
    )
    for array in (matrix.start, matrix.index, matrix.value, matrix.integrality):
        array.flags.writeable = False
    return matrix


def _model(programme: DispatchProgramme, mip: bool) -> tuple[_Layout, _Matrix, dict[str, Any]]:
    """The programme's layout, matrix and bounds and costs, in PuLP's column and row order."""
    problem = programme.problem
    shape = _shape(programme, mip)
    lay = shape.layout()
    matrix = _matrix(shape)
    h = programme.n_steps
    inf = np.inf
    dt = problem.dt_h
    limit = problem.grid_limit_kw
    rate = problem.demand_charge_cny_per_kw_month
    imp, exp, curt, uns = lay.imp(), lay.exp(), lay.curt(), lay.uns()
    charge, discharge, soc = lay.charge(), lay.discharge(), lay.soc()
    peak, direction = lay.peak(), lay.direction()

    n = lay.n_cols
    cost = np.zeros(n)
    lower = np.zeros(n)
    upper = np.full(n, inf)
    upper[imp] = limit
    upper[exp] = limit
    upper[curt] = programme.renewable_kw
    upper[charge] = programme.power_g_kw[:, None]
    upper[discharge] = programme.power_g_kw[:, None]
    lower[soc] = programme.smin_g_kwh[:, None]
    upper[soc] = programme.smax_g_kwh[:, None]
    lower[peak] = programme.peak_low_kw
    upper[direction] = 1.0
    cost[imp] = problem.import_price_cny_per_kwh * dt
    cost[exp] = -problem.export_price_cny_per_kwh * dt
    cost[uns] = programme.penalty_cny_per_kwh * dt
    wear = ((programme.wear_g_cny_per_kwh + TIE_BREAK_CNY_PER_KWH) * dt)[:, None]
    cost[charge] = wear
    cost[discharge] = wear
    valued = programme.value_g_cny_per_kwh != 0.0
    cost[soc[valued, h - 1]] = -programme.value_g_cny_per_kwh[valued]
    cost[peak] = rate * np.asarray(programme.peak_weight, dtype=np.float64)

    floor_gain = programme.smin_g_kwh * (1.0 - programme.kappa_g)
    soc_rhs = np.repeat(floor_gain[:, None], h, axis=1)
    soc_rhs[:, 0] = floor_gain + programme.kappa_g * programme.soc0_g_kwh
    row_lower = [soc_rhs.ravel(), problem.net_load_kw]
    row_upper = [soc_rhs.ravel(), problem.net_load_kw]
    if programme.peak_periods:
        row_lower.append(np.zeros(h))
        row_upper.append(np.full(h, inf))
    m = len(programme.reversed_steps)
    if m:
        net = problem.net_load_kw[np.asarray(programme.reversed_steps, dtype=np.int64)]
        cut_upper = np.empty(2 * m)
        cut_upper[0::2] = np.maximum(net, 0.0)
        cut_upper[1::2] = np.maximum(-net, 0.0)
        row_lower.append(np.full(2 * m, -inf))
        row_upper.append(cut_upper)
    if mip:
        dir_upper = np.zeros(2 * m)
        dir_upper[1::2] = limit
        row_lower.append(np.full(2 * m, -inf))
        row_upper.append(dir_upper)
    bounds = {
        "cost": _by_column(cost, lay),
        "lower": _by_column(lower, lay),
        "upper": _by_column(upper, lay),
        "row_lower": np.concatenate(row_lower),
        "row_upper": np.concatenate(row_upper),
    }
    return lay, matrix, bounds


def _by_column(build_order: FloatArray, lay: _Layout) -> FloatArray:
    out = np.empty_like(build_order)
    out[lay.column] = build_order
    return out


_local = threading.local()


def _solver() -> Any:
    """This thread's HiGHS instance (made once; each model passed replaces the last one with
    its solution and basis, so every solve starts afresh)."""
    highs = getattr(_local, "highs", None)
    if highs is None:
        import highspy

        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("mip_rel_gap", MIP_GAP_REL)
        _local.highs = highs
    return highs


def _run(lay: _Layout, matrix: _Matrix, bounds: dict[str, Any]) -> tuple[FloatArray, float]:
    """Solve with this thread's HiGHS; the column values in build order and the time HiGHS
    ran [s]."""
    import highspy

    highs = _solver()
    passed = highs.passModel(
        lay.n_cols,
        matrix.n_rows,
        int(matrix.index.size),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        bounds["cost"],
        bounds["lower"],
        bounds["upper"],
        bounds["row_lower"],
        bounds["row_upper"],
        matrix.start,
        matrix.index,
        matrix.value,
        matrix.integrality,
    )
    if passed == highspy.HighsStatus.kError:
        raise DispatchPlanningError("dispatch programme rejected by HiGHS")
    began = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - began
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        name = highs.modelStatusToString(status)
        raise DispatchPlanningError(f"dispatch programme not solved to optimality: status {name!r}")
    values = np.asarray(highs.getSolution().col_value, dtype=np.float64)
    # + 0.0 turns -0.0 into 0.0 and keeps every other value, as PuLP's ``varValue or 0.0`` does.
    out: FloatArray = values[lay.column] + 0.0
    return out, seconds


def solve_with_highs(programme: DispatchProgramme) -> GroupSolution:
    """Solve ``programme`` through HiGHS' own interface (direction binaries only if needed).

    Raises
    ------
    DispatchPlanningError
        If HiGHS does not report an optimal solution.
    """
    lay, matrix, bounds = _model(programme, mip=False)
    values, seconds = _run(lay, matrix, bounds)
    limit = programme.problem.grid_limit_kw
    overlap_kw = BALANCE_TOLERANCE_KW * max(1.0, limit)
    reversed_steps = np.asarray(programme.reversed_steps, dtype=np.int64)
    both_ways = bool(
        reversed_steps.size
        and np.any(
            np.minimum(values[lay.imp()[reversed_steps]], values[lay.exp()[reversed_steps]])
            > overlap_kw
        )
    )
    if both_ways:
        lay, matrix, bounds = _model(programme, mip=True)
        values, more = _run(lay, matrix, bounds)
        seconds += more
    return GroupSolution(
        imports=values[lay.imp()],
        exports=values[lay.exp()],
        curtailment=values[lay.curt()],
        unserved=values[lay.uns()],
        charge_g=values[lay.charge()].T.copy(),
        discharge_g=values[lay.discharge()].T.copy(),
        soc_g=values[lay.soc()].T.copy(),
        is_mip=both_ways,
        solver_seconds=seconds,
    )
