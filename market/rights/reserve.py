"""Price corridor for energy-use rights, enforced by a reserve trading in the call auction.

The reserve adds two orders to a call-auction book, so the clearing itself stays in
:mod:`clearing`:

* a **sell** order at the ceiling price for the rights the reserve holds: no buyer needs to
  pay more than the ceiling while the reserve has rights left;
* a **buy** order at the floor price: no seller needs to accept less than the floor while the
  reserve's buying limit lasts. Without a limit, the buy quantity is twice the total offered
  in the book's cell, so it is never fully accepted and the floor always holds.

With a uniform price taken inside the clearing interval, a reserve order that is not fully
accepted bounds the interval, so the price stays in ``[floor, ceiling]`` while the reserve has
rights left after the clearing. When the reserve sells all it holds (or buys up to its limit)
the corridor is exhausted and the price may leave it: it is then set by the firms' orders.
The reserve orders come last in the tie-break among equal prices: firms trade first at the
corridor's edges. The floor must lie strictly below the ceiling, so the two reserve orders
never trade with each other.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from clearing import ClearingResult, Order, Side

RESERVE_AGENT = "reserve"
"""Agent name of the reserve's orders."""

_LAST = 2**53
"""Sequence number that puts the reserve's orders behind every firm's at equal prices."""


_UNLIMITED_MARGIN = 2.0
"""An unlimited buy order bids for this multiple of the quantity offered in its cell, so it
is never fully accepted and always bounds the clearing interval at the floor."""


class ReserveError(ValueError):
    """Bad price-corridor input; the message names the field, value and what is allowed."""


def _check_price(field: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ReserveError(f"{field} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v < 0.0:
        raise ReserveError(f"{field} = {value!r} is not allowed; need a finite number >= 0")
    return v


@dataclass(frozen=True)
class PriceCorridor:
    """A price floor and ceiling for rights [CNY/tce], ``floor < ceiling``."""

    floor_cny_per_tce: float
    ceiling_cny_per_tce: float

    def __post_init__(self) -> None:
        floor = _check_price("floor_cny_per_tce", self.floor_cny_per_tce)
        ceiling = _check_price("ceiling_cny_per_tce", self.ceiling_cny_per_tce)
        if not floor < ceiling:
            raise ReserveError(
                f"floor_cny_per_tce = {floor!r} must be below ceiling_cny_per_tce = {ceiling!r}"
            )


@dataclass(frozen=True)
class ReserveFills:
    """What the reserve traded in one clearing.

    Attributes
    ----------
    sold_tce, bought_tce
        Rights sold at the ceiling and bought at the floor [tce].
    received_cny, paid_cny
        Money received for sales and paid for purchases at the clearing price [CNY].
    """

    sold_tce: float
    bought_tce: float
    received_cny: float
    paid_cny: float


def reserve_order_ids(
    period: int = 0, zone: str = "default", product: str = "default"
) -> tuple[str, str]:
    """Ids of the reserve's (sell, buy) orders in one clearing cell."""
    cell = f"{product}:{zone}:{period}"
    return f"{RESERVE_AGENT}:sell:{cell}", f"{RESERVE_AGENT}:buy:{cell}"


def corridor_orders(
    corridor: PriceCorridor,
    reserve_held_tce: float,
    book: Iterable[Order] = (),
    buy_limit_tce: float | None = None,
    *,
    period: int = 0,
    zone: str = "default",
    product: str = "default",
) -> tuple[Order, ...]:
    """The reserve's orders for one clearing cell.

    Parameters
    ----------
    corridor
        Floor and ceiling [CNY/tce].
    reserve_held_tce
        Rights the reserve can sell at the ceiling [tce].
    book
        The firms' orders; used only to size an unlimited buy order (twice the total offered
        in the same period, zone and product).
    buy_limit_tce
        Most the reserve may buy at the floor [tce]; ``None`` for no limit.
    period, zone, product
        The clearing cell of the orders.

    Returns
    -------
    tuple of clearing.types.Order
        Zero, one or two orders (orders of zero quantity are left out). Add them to the book
        before clearing; the spec's price range must contain the floor and the ceiling.
    """
    if not isinstance(corridor, PriceCorridor):
        raise ReserveError(f"corridor must be a PriceCorridor, got {type(corridor).__name__}")
    sell_qty = _check_price("reserve_held_tce", reserve_held_tce)
    if buy_limit_tce is None:
        buy_qty = _UNLIMITED_MARGIN * math.fsum(
            o.quantity
            for o in book
            if o.side == Side.SELL
            and o.period == period
            and o.zone == zone
            and o.product == product
        )
    else:
        buy_qty = _check_price("buy_limit_tce", buy_limit_tce)
    sell_id, buy_id = reserve_order_ids(period, zone, product)
    sides = (
        (sell_id, Side.SELL, sell_qty, corridor.ceiling_cny_per_tce),
        (buy_id, Side.BUY, buy_qty, corridor.floor_cny_per_tce),
    )
    orders = [
        Order(
            id=oid,
            agent=RESERVE_AGENT,
            side=side,
            quantity=qty,
            price=float(price),
            period=period,
            zone=zone,
            product=product,
            sequence=_LAST,
        )
        for oid, side, qty, price in sides
        if qty > 0.0
    ]
    return tuple(orders)


def reserve_fills(
    result: ClearingResult, period: int = 0, zone: str = "default", product: str = "default"
) -> ReserveFills:
    """Read the reserve's trades in one cell out of a clearing result.

    The caller settles them: ``RightsLedger.reserve_sell`` / ``reserve_buy`` for the
    buyers and sellers matched, and the money at the clearing price.
    """
    sell_id, buy_id = reserve_order_ids(period, zone, product)
    sold = float(result.accepted.get(sell_id, 0.0))
    bought = float(result.accepted.get(buy_id, 0.0))
    received = -float(result.payments.get(sell_id, 0.0))
    paid = float(result.payments.get(buy_id, 0.0))
    return ReserveFills(sold, bought, received, paid)
