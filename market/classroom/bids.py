"""Bids of the classroom game and their validation.

A seat's bid for a round is a short list of limit orders (buy or sell, quantity [unit], price
[CNY/unit]). Submitting again replaces the seat's bid; the last one before the deadline stands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from market.classroom.errors import BidError

#: Most orders in one bid.
MAX_ORDERS_PER_BID = 10
#: Slack allowed on quantity limits (rounding in the browser) [unit].
QUANTITY_SLACK = 1e-6


@dataclass(frozen=True, slots=True)
class BidOrder:
    """One limit order of a bid.

    Attributes
    ----------
    side
        ``"buy"`` or ``"sell"``.
    quantity
        Quantity [tce or MWh], > 0.
    price
        Limit price [CNY per unit]: the most a buyer pays, the least a seller accepts.
    """

    side: str
    quantity: float
    price: float

    def as_dict(self) -> dict[str, Any]:
        """The order as a JSON-ready mapping."""
        return {"side": self.side, "quantity": self.quantity, "price": self.price}


@dataclass(frozen=True, slots=True)
class SubmittedBid:
    """A seat's bid as recorded.

    Attributes
    ----------
    seq
        Submission sequence number, increasing across the game (earlier wins price ties).
    round, seat
        Round and seat the bid belongs to.
    orders
        The orders (empty: the seat chose not to trade).
    source
        ``"player"`` or ``"bot"``.
    submitted_unix_s
        When it was accepted [s since the epoch].
    """

    seq: int
    round: int
    seat: int
    orders: tuple[BidOrder, ...]
    source: str
    submitted_unix_s: float


def _number(field: str, raw: object) -> float:
    """``raw`` as a finite float; booleans and texts are not numbers."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise BidError(field, raw, "a number")
    try:
        value = float(raw)
    except OverflowError:
        raise BidError(field, raw, "a finite number") from None
    if not math.isfinite(value):
        raise BidError(field, raw, "a finite number")
    return value


def validate_bid(
    raw_orders: Sequence[Mapping[str, object]],
    max_buy: float,
    max_sell: float,
    price_floor: float,
    price_cap: float,
    unit: str,
) -> tuple[BidOrder, ...]:
    """Check a bid against the market's rules and the seat's limits.

    Parameters
    ----------
    raw_orders
        Orders as mappings with ``side``, ``quantity`` and ``price``.
    max_buy, max_sell
        Most the seat may buy and sell in total this round [unit].
    price_floor, price_cap
        Allowed range of limit prices [CNY/unit].
    unit
        Unit of quantities, for messages.

    Returns
    -------
    tuple[BidOrder, ...]

    Raises
    ------
    BidError
        Naming the first bad field (e.g. ``orders[1].price``), its value and what is allowed.
    """
    if len(raw_orders) > MAX_ORDERS_PER_BID:
        raise BidError("orders", len(raw_orders), f"at most {MAX_ORDERS_PER_BID} orders")
    orders: list[BidOrder] = []
    for k, raw in enumerate(raw_orders):
        if not isinstance(raw, Mapping):
            raise BidError(f"orders[{k}]", raw, "an object with side, quantity and price")
        unknown = sorted(set(raw) - {"side", "quantity", "price"})
        if unknown:
            raise BidError(f"orders[{k}]", unknown, "only the fields side, quantity, price")
        side = raw.get("side")
        if side not in ("buy", "sell"):
            raise BidError(f"orders[{k}].side", side, "'buy' or 'sell'")
        quantity = _number(f"orders[{k}].quantity", raw.get("quantity"))
        if quantity <= 0:
            raise BidError(f"orders[{k}].quantity", quantity, f"a quantity > 0 {unit}")
        price = _number(f"orders[{k}].price", raw.get("price"))
        if not price_floor <= price <= price_cap:
            raise BidError(
                f"orders[{k}].price",
                price,
                f"a price from {price_floor:g} to {price_cap:g} CNY/{unit}",
            )
        orders.append(BidOrder(str(side), quantity, price))
    bought = sum(o.quantity for o in orders if o.side == "buy")
    sold = sum(o.quantity for o in orders if o.side == "sell")
    if bought > max_buy + QUANTITY_SLACK:
        raise BidError(
            "orders", f"buy {bought:g} {unit}", f"at most {max_buy:.3f} {unit} bought this round"
        )
    if sold > max_sell + QUANTITY_SLACK:
        raise BidError(
            "orders",
            f"sell {sold:g} {unit}",
            f"at most {max_sell:.3f} {unit} sold this round (what the firm holds or has)",
        )
    return tuple(orders)
