"""Shared pieces of the strategies: limit prices within the market range, order assembly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.bidding.orders import BUY, SELL, OrderArrays
from agents.bidding.state import BidderState, MarketView

__all__ = ["Limits", "assemble_orders", "first_step", "limits", "margin_base"]


@dataclass(frozen=True, eq=False)
class Limits:
    """Limit prices clipped to the market range, and which steps can be bid without loss.

    Attributes
    ----------
    buy, sell : NDArray[np.float64]
        ``min(value, cap)`` per buy step and ``max(cost, floor)`` per sell step.
    buy_ok, sell_ok : NDArray[np.bool_]
        Steps with a positive quantity whose limit lies inside ``[floor, cap]``.
    """

    buy: NDArray[np.float64]
    sell: NDArray[np.float64]
    buy_ok: NDArray[np.bool_]
    sell_ok: NDArray[np.bool_]


def limits(state: BidderState, market: MarketView) -> Limits:
    """Clip the firms' values and costs to the market's floor and cap.

    A buy step whose value is below the floor (or a sell step whose cost is above the cap) cannot
    be placed without a possible loss and is marked not ok.
    """
    return Limits(
        buy=np.minimum(state.buy_value, market.price_cap),
        sell=np.maximum(state.sell_cost, market.price_floor),
        buy_ok=(state.buy_qty > 0) & (state.buy_value >= market.price_floor),
        sell_ok=(state.sell_qty > 0) & (state.sell_cost <= market.price_cap),
    )


def margin_base(limit: NDArray[np.float64], zero_limit_base: float) -> NDArray[np.float64]:
    """Base a relative margin applies to: ``|limit|``, or ``zero_limit_base`` when that is smaller.

    Prices are ``limit ∓ margin·base``; for positive limits this is the usual ``limit·(1 ∓ m)``,
    and it keeps units with zero or negative limits (a free surplus right) able to ask a markup.
    """
    return np.maximum(np.abs(limit), zero_limit_base)


def first_step(ok: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Index of each firm's first ok step (its current quote) and whether it has one."""
    index = (
        np.argmax(ok, axis=1).astype(np.int64)
        if ok.shape[1]
        else np.zeros(ok.shape[0], dtype=np.int64)
    )
    has = ok.any(axis=1) if ok.shape[1] else np.zeros(ok.shape[0], dtype=bool)
    return index, np.asarray(has)


def assemble_orders(
    state: BidderState,
    lim: Limits,
    buy_price: NDArray[np.float64],
    sell_price: NDArray[np.float64],
    market: MarketView,
    buy_ok: NDArray[np.bool_] | None = None,
    sell_ok: NDArray[np.bool_] | None = None,
) -> OrderArrays:
    """Collect the steps to bid into :class:`OrderArrays` (buys first, row-major by firm).

    Prices are clipped to ``[floor, cap]``; ``buy_ok``/``sell_ok`` override which steps are bid
    (default: the loss-free steps of ``lim``).
    """
    bmask = lim.buy_ok if buy_ok is None else buy_ok
    smask = lim.sell_ok if sell_ok is None else sell_ok
    bf, bs = np.nonzero(bmask)
    sf, ss = np.nonzero(smask)
    lo, hi = market.price_floor, market.price_cap
    return OrderArrays(
        firm=np.concatenate([bf, sf]).astype(np.int64),
        side=np.concatenate(
            [np.full(bf.size, BUY, dtype=np.int8), np.full(sf.size, SELL, dtype=np.int8)]
        ),
        step=np.concatenate([bs, ss]).astype(np.int64),
        quantity=np.concatenate([state.buy_qty[bf, bs], state.sell_qty[sf, ss]]),
        price=np.clip(np.concatenate([buy_price[bf, bs], sell_price[sf, ss]]), lo, hi),
        limit_price=np.concatenate([lim.buy[bf, bs], lim.sell[sf, ss]]),
    )
