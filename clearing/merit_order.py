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
    Cumulative quantities within ``QUANTITY_RTOL`` times the traded volume of it count as
    reaching it, so rounding in the sums never leaves a sliver of an order accepted. Only orders
    whose limit price is on the right side of a clearing price may trade, so no tolerance lets an
    order priced out of the market in (however small its quantity); with no crossing bid and
    offer nothing trades.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

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


def _max_volume(
    buy_cum: FloatArray, neg_buy_price: FloatArray, sell_cum: FloatArray, sell_price: FloatArray
) -> tuple[float, int, int]:
    """Largest tradable volume and the orders that may trade to reach it.

    ``buy_cum`` and ``sell_cum`` are cumulative quantities in merit order with a leading 0;
    ``neg_buy_price`` is minus the sorted bid prices (ascending), ``sell_price`` the sorted offer
    prices. The volume is ``max_p min(D(p), S(p))``; it suffices to try each bid price with the
    bids up to and including that bid, and each offer price with the offers up to that offer.
    Returns ``(volume, n_buys, n_sells)``: the first ``n_buys`` bids and ``n_sells`` offers
    hold the volume on each side, every one of those bids is priced at or above every one of
    those offers, and no other order needs to trade.
    """
    n_buys, n_sells = buy_cum.size - 1, sell_cum.size - 1
    if not (n_buys and n_sells):
        return 0.0, 0, 0
    supply_at_bid = np.searchsorted(sell_price, -neg_buy_price, side="right")
    demand_at_offer = np.searchsorted(neg_buy_price, -sell_price, side="right")
    by_bid = np.minimum(buy_cum[1:], sell_cum[supply_at_bid])
    by_offer = np.minimum(buy_cum[demand_at_offer], sell_cum[1:])
    i = int(np.argmax(by_bid))
    j = int(np.argmax(by_offer))
    if by_bid[i] >= by_offer[j]:
        return float(by_bid[i]), i + 1, int(supply_at_bid[i])
    return float(by_offer[j]), int(demand_at_offer[j]), j + 1


def _fill_in_merit_order(
    sorted_qty: FloatArray, cum_qty: FloatArray, eligible: int, volume: float, tol: float
) -> tuple[FloatArray, int, int]:
    """Fill ``volume`` over the first ``eligible`` orders, already in merit order.

    ``cum_qty`` is the cumulative quantity with a leading 0. Returns the accepted quantities and
    the number of leading orders accepted in full and accepted at all (both sets are prefixes
    and at most one order is accepted in part). A cumulative quantity within ``tol`` of
    ``volume`` counts as reaching it, so rounding in the sums never leaves a sliver of an order
    accepted. Orders past ``eligible`` (limit price on the wrong side of every clearing price)
    get nothing, and nothing trades when ``volume`` is 0.
    """
    accepted = np.zeros(sorted_qty.size)
    if volume <= 0.0 or eligible == 0:
        return accepted, 0, 0
    n_full = int(np.searchsorted(cum_qty[1 : eligible + 1], volume + tol, side="right"))
    accepted[:n_full] = sorted_qty[:n_full]
    if n_full < eligible:
        before = float(cum_qty[n_full])
        if before < volume - tol:
            accepted[n_full] = volume - before
            return accepted, n_full, n_full + 1
    return accepted, n_full, n_full


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

    neg_bp = -bp
    buy_order = np.argsort(neg_bp, kind="stable")
    sell_order = np.argsort(sp, kind="stable")
    bq_s, bp_s, neg_bp_s = bq[buy_order], bp[buy_order], neg_bp[buy_order]
    sq_s, sp_s = sq[sell_order], sp[sell_order]
    buy_cum = np.concatenate(([0.0], np.cumsum(bq_s)))
    sell_cum = np.concatenate(([0.0], np.cumsum(sq_s)))

    volume, buy_eligible, sell_eligible = _max_volume(buy_cum, neg_bp_s, sell_cum, sp_s)
    tol = QUANTITY_RTOL * volume
    b_acc_s, b_full, b_some = _fill_in_merit_order(bq_s, buy_cum, buy_eligible, volume, tol)
    s_acc_s, s_full, s_some = _fill_in_merit_order(sq_s, sell_cum, sell_eligible, volume, tol)

    # Buys are sorted by descending price and sells by ascending price, and the accepted and
    # fully accepted orders are prefixes, so each bound is one element.
    low = max(
        price_floor,
        float(bp_s[b_full]) if b_full < bp_s.size else -math.inf,
        float(sp_s[s_some - 1]) if s_some else -math.inf,
    )
    high = min(
        price_cap,
        float(bp_s[b_some - 1]) if b_some else math.inf,
        float(sp_s[s_full]) if s_full < sp_s.size else math.inf,
    )
    price = 0.5 * (low + high) if volume > 0.0 else math.nan

    buy_accepted = np.empty_like(bq)
    buy_accepted[buy_order] = b_acc_s
    sell_accepted = np.empty_like(sq)
    sell_accepted[sell_order] = s_acc_s
    welfare = float(b_acc_s @ bp_s) - float(s_acc_s @ sp_s)
    return UniformClearing(price, volume, buy_accepted, sell_accepted, low, high, welfare)
