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

Rounding
    Cumulative quantities within ``tol = QUANTITY_RTOL * volume`` of the traded volume count as
    reaching it, so rounding in the sums never leaves a sliver of an order accepted. Only orders
    whose limit price is on the right side of a clearing price may trade, so no tolerance lets an
    order priced out of the market in (however small its quantity); with no crossing bid and
    offer nothing trades. A rejected order of at most ``tol`` (a quantity lost in the rounding
    of the sums) does not bound the clearing interval.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from clearing.sums import dot

FloatArray = npt.NDArray[np.float64]

QUANTITY_RTOL = 1e-12
"""Relative tolerance (to the traded volume) below which a residual quantity counts as zero."""


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


class SortedClearing(NamedTuple):
    """Outcome of :func:`clear_sorted`: acceptance in merit order and the clearing interval."""

    volume: float
    buy_accepted: FloatArray
    sell_accepted: FloatArray
    price_low: float
    price_high: float


def _max_volume(
    buy_cum: FloatArray, buy_price: FloatArray, sell_cum: FloatArray, sell_price: FloatArray
) -> tuple[float, int, int]:
    """Largest tradable volume and the orders that may trade to reach it.

    ``buy_cum`` and ``sell_cum`` are cumulative quantities in merit order (no leading 0),
    ``buy_price`` descending and ``sell_price`` ascending. The volume is ``max_p min(D(p),
    S(p))``, and some bid price attains the maximum (raising ``p`` from a maximiser to the next
    bid price keeps ``D`` and does not lower ``S``); at the ``i``-th bid price the bids up to
    and including bid ``i`` and the offers priced at most that bid trade at most
    ``min(buy_cum[i], S(bid_i))``, and the last bid of each tie gives ``D`` exactly. Returns
    ``(volume, n_buys, n_sells)``: the first ``n_buys`` bids and ``n_sells`` offers hold the
    volume on each side and every one of those bids is priced at or above every one of those
    offers.
    """
    if not (buy_cum.size and sell_cum.size):
        return 0.0, 0, 0
    offers_at_bid = np.searchsorted(sell_price, buy_price, side="right")
    supply_at_bid = np.concatenate(([0.0], sell_cum))[offers_at_bid]
    tradable = np.minimum(buy_cum, supply_at_bid)
    best = int(tradable.argmax())
    return float(tradable[best]), best + 1, int(offers_at_bid[best])


def _fill_in_merit_order(
    sorted_qty: FloatArray, cum_qty: FloatArray, eligible: int, volume: float, tol: float
) -> tuple[FloatArray, int, int]:
    """Fill ``volume`` over the first ``eligible`` orders, already in merit order.

    ``cum_qty`` is the cumulative quantity (no leading 0). Returns the accepted quantities and
    the number of leading orders accepted in full and accepted at all (both sets are prefixes
    and at most one order is accepted in part). A cumulative quantity within ``tol`` of
    ``volume`` counts as reaching it, so rounding in the sums never leaves a sliver of an order
    accepted. Orders past ``eligible`` get nothing, and nothing trades when ``volume`` is 0.
    """
    accepted = np.zeros(sorted_qty.size)
    if volume <= 0.0 or eligible == 0:
        return accepted, 0, 0
    n_full = int(cum_qty[:eligible].searchsorted(volume + tol, side="right"))
    accepted[:n_full] = sorted_qty[:n_full]
    if n_full < eligible:
        before = float(cum_qty[n_full - 1]) if n_full else 0.0
        if before < volume - tol:
            accepted[n_full] = volume - before
            return accepted, n_full, n_full + 1
    return accepted, n_full, n_full


def _first_binding(sorted_qty: FloatArray, n_full: int, n_some: int, tol: float) -> int:
    """Position of the first order not fully accepted whose limit bounds the price.

    That is the partially accepted order if there is one, else the first rejected order whose
    quantity exceeds ``tol``: a rejected sliver (quantity within rounding of zero) has no say
    in the price, like any quantity below the tolerance. Returns the array size when none.
    """
    if n_some > n_full or n_some >= sorted_qty.size or sorted_qty[n_some] > tol:
        return n_some if n_some == n_full else n_full
    above = np.flatnonzero(sorted_qty[n_some:] > tol)
    return n_some + int(above[0]) if above.size else sorted_qty.size


def clear_sorted(
    buy_qty: FloatArray,
    buy_price: FloatArray,
    sell_qty: FloatArray,
    sell_price: FloatArray,
    price_floor: float,
    price_cap: float,
) -> SortedClearing:
    """Clear a divisible double auction whose orders are already in merit order.

    Bids by descending price and offers by ascending price, ties in precedence order; the
    arrays are trusted (finite, quantities > 0, prices within floor and cap). Accepted
    quantities come back in the same order.
    """
    buy_cum = np.cumsum(buy_qty)
    sell_cum = np.cumsum(sell_qty)
    volume, buy_eligible, sell_eligible = _max_volume(buy_cum, buy_price, sell_cum, sell_price)
    tol = QUANTITY_RTOL * volume
    b_acc, b_full, b_some = _fill_in_merit_order(buy_qty, buy_cum, buy_eligible, volume, tol)
    s_acc, s_full, s_some = _fill_in_merit_order(sell_qty, sell_cum, sell_eligible, volume, tol)
    # Bids descend and offers ascend in price, and the accepted and fully accepted orders are
    # prefixes, so each bound of the interval is one element.
    first_buy = _first_binding(buy_qty, b_full, b_some, tol)
    first_sell = _first_binding(sell_qty, s_full, s_some, tol)
    low = max(
        price_floor,
        float(buy_price[first_buy]) if first_buy < buy_price.size else -math.inf,
        float(sell_price[s_some - 1]) if s_some else -math.inf,
    )
    high = min(
        price_cap,
        float(buy_price[b_some - 1]) if b_some else math.inf,
        float(sell_price[first_sell]) if first_sell < sell_price.size else math.inf,
    )
    return SortedClearing(volume, b_acc, s_acc, low, high)


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
    bp_s, sp_s = bp[buy_order], sp[sell_order]
    out = clear_sorted(bq[buy_order], bp_s, sq[sell_order], sp_s, price_floor, price_cap)
    price = 0.5 * (out.price_low + out.price_high) if out.volume > 0.0 else math.nan
    buy_accepted = np.empty_like(bq)
    buy_accepted[buy_order] = out.buy_accepted
    sell_accepted = np.empty_like(sq)
    sell_accepted[sell_order] = out.sell_accepted
    welfare = dot(out.buy_accepted, bp_s) - dot(out.sell_accepted, sp_s)
    return UniformClearing(
        price, out.volume, buy_accepted, sell_accepted, out.price_low, out.price_high, welfare
    )
