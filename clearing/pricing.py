"""The uniform-price rule shared by every clearing path.

Clearing interval
    For a welfare-maximising allocation, the prices that support it (no accepted order would
    rather not trade, no rejected order would rather trade, flows go where the price difference
    covers the wheeling fee) form, for each cell ``(product, zone, period)``, an interval
    ``[low, high]``. In one cell with divisible orders::

        low  = max(price_floor, prices of buys not fully accepted, prices of sells accepted > 0)
        high = min(price_cap, prices of buys accepted > 0, prices of sells not fully accepted)

    With several zones the intervals are coupled through the interconnectors: a link carrying
    flow from ``a`` to ``b`` needs ``price_b >= price_a + fee``, a link below its capacity needs
    ``price_b <= price_a + fee``. Orders whose acceptance is fixed (accepted blocks, rejected
    fill-or-kill orders) impose nothing. These are difference constraints, so the supporting
    price vectors form a lattice: the componentwise lowest vector ``low`` and highest vector
    ``high`` both support the allocation, and so does their midpoint.

Published price
    ``(low + high) / 2`` per cell; with a tick, the multiple of the tick nearest to the midpoint,
    rounding half down (this stays in the interval and keeps the link constraints, since prices
    and fees are on the tick grid). A cell where nothing traded and nothing flowed has price
    ``nan``. The LP path reads the solver's dual, checks that it lies in the interval, and
    publishes the same midpoint, so HiGHS, CBC and the sort-based path agree even on degenerate
    books where solvers return different duals.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def rule_price(low: float, high: float, tick: float = 0.0) -> float:
    """Published price for the clearing interval ``[low, high]``.

    Parameters
    ----------
    low, high
        Clearing interval bounds (money per unit).
    tick
        Price grid; 0 for continuous prices.

    Returns
    -------
    float
        The midpoint, or with ``tick > 0`` the grid point nearest to it, halves rounded down.
    """
    mid = 0.5 * (low + high)
    if tick <= 0.0:
        return mid
    steps = math.ceil(mid / tick - 0.5 - 1e-9)
    return steps * tick


def rule_prices(low: FloatArray, high: FloatArray, tick: float = 0.0) -> FloatArray:
    """Vectorised :func:`rule_price`."""
    mid = 0.5 * (low + high)
    if tick <= 0.0:
        return mid
    return np.ceil(mid / tick - 0.5 - 1e-9) * tick


def order_price_bounds(
    n_cells: int,
    cell: IntArray,
    is_buy: BoolArray,
    price: FloatArray,
    can_decrease: BoolArray,
    can_increase: BoolArray,
    price_floor: float,
    price_cap: float,
) -> tuple[FloatArray, FloatArray]:
    """Per-cell price bounds implied by the orders alone.

    Parameters
    ----------
    n_cells
        Number of cells.
    cell, is_buy, price
        Each order's cell index, side and limit price.
    can_decrease
        The order's accepted quantity is above its lower bound (it trades, and is not fixed).
    can_increase
        The order's accepted quantity is below its upper bound.
    price_floor, price_cap
        Outer bounds of every price.

    Returns
    -------
    (low, high)
        Arrays over cells.
    """
    low = np.full(n_cells, float(price_floor))
    high = np.full(n_cells, float(price_cap))
    # A buy that could take more must not value the unit above the price: price >= bid.
    # A sell that trades must be paid at least its offer: price >= offer.
    raises_low = np.where(is_buy, can_increase, can_decrease)
    lowers_high = np.where(is_buy, can_decrease, can_increase)
    np.maximum.at(low, cell[raises_low], price[raises_low])
    np.minimum.at(high, cell[lowers_high], price[lowers_high])
    return low, high


def propagate_links(
    low: FloatArray,
    high: FloatArray,
    src: IntArray,
    dst: IntArray,
    gap: FloatArray,
    tol: float = 1e-9,
) -> tuple[FloatArray, FloatArray, bool]:
    """Tighten cell bounds by difference constraints ``price[dst] >= price[src] + gap``.

    Parameters
    ----------
    low, high
        Bounds from the orders (not modified).
    src, dst, gap
        One entry per constraint.
    tol
        Slack allowed before the bounds count as crossing.

    Returns
    -------
    (low, high, consistent)
        The least and greatest supporting price vectors, and False if ``low > high`` somewhere
        (the allocation is not supported by any price vector within floor and cap).
    """
    low = low.copy()
    high = high.copy()
    for _ in range(low.size + 1):
        new_low = low.copy()
        np.maximum.at(new_low, dst, low[src] + gap)
        new_high = high.copy()
        np.minimum.at(new_high, src, high[dst] - gap)
        if np.array_equal(new_low, low) and np.array_equal(new_high, high):
            break
        low, high = new_low, new_high
    consistent = bool(np.all(low <= high + tol * np.maximum(1.0, np.abs(high))))
    return low, high, consistent
