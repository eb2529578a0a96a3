"""Exact sort-based clearing of one divisible double auction (the fast path).

One product, one zone, one period, divisible orders. The allocation maximises welfare
(buyers' value minus sellers' cost) and, among welfare-maximising allocations, maximises the
traded volume: units whose buy price equals the sell price trade.

Merit order and tie-breaking
    Buys are served by descending price, sells by ascending price; between equal prices the order
    earlier in the input arrays comes first (callers pass orders sorted by submission sequence,
    then id).

Uniform price rule
    Given the allocation, the prices that clear the market form an interval ``[low, high]``::

        low  = max(price_floor, prices of buys not fully accepted, prices of sells accepted > 0)
        high = min(price_cap, prices of buys accepted > 0, prices of sells not fully accepted)

    i.e. ``[max(last accepted sell, first rejected buy), min(last accepted buy, first rejected
    sell)]``. The price is the midpoint ``(low + high) / 2``. When one order is partially
    accepted the interval is a single point, its limit price. With no trade the price is ``nan``
    (the interval is still reported). The LP path maps the solver's dual into the same interval by
    the same rule, so both paths and every solver publish the same price.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

QUANTITY_RTOL = 1e-12
"""Relative tolerance (to total book quantity) below which a residual quantity counts as zero."""


class UniformClearing(NamedTuple):
    """Result of :func:`clear_uniform_arrays`.

    Attributes
    ----------
    price
        Uniform price (midpoint of the clearing interval), ``nan`` when nothing trades.
    volume
        Traded quantity, in the product's unit.
    buy_accepted, sell_accepted
        Accepted quantity per order, in input order.
    price_low, price_high
        Clearing interval the price is the midpoint of.
    welfare
        Sum of accepted buy value minus accepted sell cost, in money.
    """

    price: float
    volume: float
    buy_accepted: FloatArray
    sell_accepted: FloatArray
    price_low: float
    price_high: float
    welfare: float


def _as_vector(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _check_side(qty: FloatArray, price: FloatArray, side: str, floor: float, cap: float) -> None:
    if qty.shape != price.shape:
        raise ValueError(
            f"{side}_qty and {side}_price must have the same length, "
            f"got {qty.shape[0]} and {price.shape[0]}"
        )
    bad_qty = ~(np.isfinite(qty) & (qty > 0.0))
    if bad_qty.any():
        i = int(np.argmax(bad_qty))
        raise ValueError(
            f"{side}_qty[{i}] = {float(qty[i])!r} is not allowed; quantities must be finite and > 0"
        )
    bad_price = ~(np.isfinite(price) & (price >= floor) & (price <= cap))
    if bad_price.any():
        i = int(np.argmax(bad_price))
        raise ValueError(
            f"{side}_price[{i}] = {float(price[i])!r} is not allowed; prices must be finite and in "
            f"[{floor}, {cap}]"
        )


def _accept_in_merit_order(
    sorted_qty: FloatArray, volume: float, tol: float
) -> tuple[FloatArray, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Fill ``volume`` over orders already in merit order.

    Returns the accepted quantities (snapped: exactly the order quantity or 0 where within
    ``tol``) and masks of orders fully accepted and accepted at all.
    """
    cum_after = np.cumsum(sorted_qty)
    cum_before = cum_after - sorted_qty
    full = cum_after <= volume + tol
    some = cum_before < volume - tol
    accepted = np.where(full, sorted_qty, np.where(some, volume - cum_before, 0.0))
    return accepted, full, some


def clear_uniform_arrays(
    buy_qty: npt.ArrayLike,
    buy_price: npt.ArrayLike,
    sell_qty: npt.ArrayLike,
    sell_price: npt.ArrayLike,
    *,
    price_floor: float = 0.0,
    price_cap: float = 1e6,
    check: bool = True,
) -> UniformClearing:
    """Clear one divisible double auction exactly by merit order.

    Parameters
    ----------
    buy_qty, buy_price
        Quantities (> 0, product unit) and limit prices (money per unit) of the bids.
    sell_qty, sell_price
        Quantities and limit prices of the offers.
    price_floor, price_cap
        Bounds of the clearing interval; limit prices must lie within them.
    check
        Validate the arrays (finite, positive quantities, prices within bounds). Callers that
        have validated already may pass ``False``.

    Returns
    -------
    UniformClearing
        Price, volume, accepted quantities in input order, clearing interval and welfare.

    Raises
    ------
    ValueError
        On malformed arrays when ``check`` is true.

    Notes
    -----
    ``O((n + m) log(n + m))`` with no Python loop over orders. The traded volume is
    ``max_p min(D(p), S(p))`` over candidate prices ``p`` (all limit prices), where ``D(p)`` is
    the quantity bid at ``p`` or more and ``S(p)`` the quantity offered at ``p`` or less.
    """
    bq = _as_vector(buy_qty, "buy_qty")
    bp = _as_vector(buy_price, "buy_price")
    sq = _as_vector(sell_qty, "sell_qty")
    sp = _as_vector(sell_price, "sell_price")
    if check:
        if not (math.isfinite(price_floor) and math.isfinite(price_cap)) or (
            price_floor > price_cap
        ):
            raise ValueError(
                f"price_floor = {price_floor!r}, price_cap = {price_cap!r} are not allowed; "
                "both must be finite with price_floor <= price_cap"
            )
        _check_side(bq, bp, "buy", price_floor, price_cap)
        _check_side(sq, sp, "sell", price_floor, price_cap)

    buy_order = np.argsort(-bp, kind="stable")
    sell_order = np.argsort(sp, kind="stable")
    bq_s, bp_s = bq[buy_order], bp[buy_order]
    sq_s, sp_s = sq[sell_order], sp[sell_order]

    volume = 0.0
    if bq.size and sq.size:
        demand_cum = np.concatenate(([0.0], np.cumsum(bq_s)))
        supply_cum = np.concatenate(([0.0], np.cumsum(sq_s)))
        candidates = np.concatenate((bp_s, sp_s))
        demand_at = demand_cum[np.searchsorted(-bp_s, -candidates, side="right")]
        supply_at = supply_cum[np.searchsorted(sp_s, candidates, side="right")]
        volume = float(np.max(np.minimum(demand_at, supply_at)))

    tol = QUANTITY_RTOL * (float(bq.sum()) + float(sq.sum()))
    b_acc_s, b_full, b_some = _accept_in_merit_order(bq_s, volume, tol)
    s_acc_s, s_full, s_some = _accept_in_merit_order(sq_s, volume, tol)

    low = max(
        price_floor,
        float(bp_s[~b_full].max(initial=-np.inf)),
        float(sp_s[s_some].max(initial=-np.inf)),
    )
    high = min(
        price_cap,
        float(bp_s[b_some].min(initial=np.inf)),
        float(sp_s[~s_full].min(initial=np.inf)),
    )
    price = 0.5 * (low + high) if volume > 0.0 else math.nan

    buy_accepted = np.empty_like(bq)
    buy_accepted[buy_order] = b_acc_s
    sell_accepted = np.empty_like(sq)
    sell_accepted[sell_order] = s_acc_s
    welfare = float(b_acc_s @ bp_s - s_acc_s @ sp_s)
    return UniformClearing(price, volume, buy_accepted, sell_accepted, low, high, welfare)
