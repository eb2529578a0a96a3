"""Continuous double auction: an immutable limit order book with price-time priority.

A :class:`ContinuousBook` holds resting bids (best price first: highest, then earliest arrival)
and asks (lowest, then earliest). :func:`submit` matches an incoming order against the opposite
side while prices cross; every fill trades at the resting order's price (the incoming order
takes what the book offers). Whatever is left of the incoming order rests in the book.
:func:`cancel` removes a resting order. Both return a new book; the old one is never changed, so a
rejected order leaves the caller's book exactly as it was.

One book is one market (one product, zone and period); the ``period``, ``zone`` and ``product``
fields of orders are carried along but not compared. Block orders and minimum acceptance ratios
belong to call auctions and are rejected here. Orders of the same agent may trade with each other.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from clearing.errors import ClearingInputError
from clearing.types import Order, Side

__all__ = [
    "ContinuousBook",
    "RestingOrder",
    "Trade",
    "cancel",
    "cancel_all",
    "submit",
]


@dataclass(frozen=True, slots=True)
class Trade:
    """One fill between a bid and an ask.

    Attributes
    ----------
    buy_id, sell_id
        Ids of the buy and the sell order.
    quantity
        Quantity traded, > 0, in the product's unit.
    price
        Price per unit: the limit price of the order that was resting in the book.
    sequence
        Running number of the trade in this book (0, 1, 2, ...).
    """

    buy_id: str
    sell_id: str
    quantity: float
    price: float
    sequence: int


@dataclass(frozen=True, slots=True)
class RestingOrder:
    """An order waiting in the book.

    Attributes
    ----------
    order
        The order as submitted.
    remaining
        Quantity not yet filled, > 0.
    arrival
        Arrival number in the book; lower numbers have time priority at equal price.
    """

    order: Order
    remaining: float
    arrival: int


@dataclass(frozen=True, slots=True)
class ContinuousBook:
    """Immutable state of a continuous double auction.

    Create an empty book with ``ContinuousBook(price_floor=..., price_cap=...)`` and change it only
    through :func:`submit`, :func:`cancel` and :func:`cancel_all`.

    Attributes
    ----------
    price_floor, price_cap
        Every order's limit price must lie in ``[price_floor, price_cap]`` (money per unit).
    bids
        Resting buy orders, highest price first, then earliest arrival.
    asks
        Resting sell orders, lowest price first, then earliest arrival.
    seen_ids
        Ids of every order ever submitted; a new order may not reuse one.
    next_arrival
        Arrival number the next resting order gets.
    trade_count
        Number of trades so far (the next trade's ``sequence``).
    """

    price_floor: float = -math.inf
    price_cap: float = math.inf
    bids: tuple[RestingOrder, ...] = ()
    asks: tuple[RestingOrder, ...] = ()
    seen_ids: frozenset[str] = field(default_factory=frozenset)
    next_arrival: int = 0
    trade_count: int = 0

    def __post_init__(self) -> None:
        if math.isnan(self.price_floor) or math.isnan(self.price_cap):
            raise ClearingInputError(
                f"book: price_floor = {self.price_floor}, price_cap = {self.price_cap}; "
                "numbers are required"
            )
        if self.price_floor > self.price_cap:
            raise ClearingInputError(
                f"book: price_floor = {self.price_floor} exceeds price_cap = {self.price_cap}; "
                "the floor must not exceed the cap"
            )

    @property
    def best_bid(self) -> float | None:
        """Highest resting bid price, ``None`` if there is no bid."""
        return self.bids[0].order.price if self.bids else None

    @property
    def best_ask(self) -> float | None:
        """Lowest resting ask price, ``None`` if there is no ask."""
        return self.asks[0].order.price if self.asks else None

    @property
    def resting_ids(self) -> frozenset[str]:
        """Ids of the orders resting in the book."""
        return frozenset(r.order.id for r in (*self.bids, *self.asks))


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _validate(book: ContinuousBook, order: Order) -> None:
    """Raise :class:`ClearingInputError` if ``order`` cannot enter ``book``."""
    if not isinstance(order, Order):
        raise ClearingInputError(
            f"order: got {type(order).__name__}; a clearing.types.Order is required"
        )
    oid = order.id
    if not isinstance(oid, str) or not oid:
        raise ClearingInputError(f"order id {oid!r}: a non-empty string is required")
    if oid in book.seen_ids:
        raise ClearingInputError(
            f"order {oid!r}: field 'id' = {oid!r} was already used in this book; ids must be unique"
        )
    if order.side not in (Side.BUY, Side.SELL):
        raise ClearingInputError(
            f"order {oid!r}: field 'side' = {order.side!r}; allowed: 'buy', 'sell'"
        )
    qty = order.quantity
    if not _is_number(qty) or not math.isfinite(qty) or qty <= 0:
        raise ClearingInputError(
            f"order {oid!r}: field 'quantity' = {qty!r}; a finite number > 0 is required"
        )
    price = order.price
    if not _is_number(price) or not math.isfinite(price):
        raise ClearingInputError(
            f"order {oid!r}: field 'price' = {price!r}; a finite number is required"
        )
    if price < book.price_floor or price > book.price_cap:
        raise ClearingInputError(
            f"order {oid!r}: field 'price' = {price}; allowed: between the price floor "
            f"{book.price_floor} and the price cap {book.price_cap}"
        )
    if order.block is not None:
        raise ClearingInputError(
            f"order {oid!r}: field 'block' = {order.block!r}; block orders are not supported by "
            "the continuous double auction (allowed: None)"
        )
    if order.min_acceptance_ratio != 0.0:
        raise ClearingInputError(
            f"order {oid!r}: field 'min_acceptance_ratio' = {order.min_acceptance_ratio!r}; the "
            "continuous double auction fills orders partially (allowed: 0.0)"
        )


def _crosses(incoming: Order, resting: Order) -> bool:
    if incoming.side == Side.BUY:
        return resting.price <= incoming.price
    return resting.price >= incoming.price


def submit(book: ContinuousBook, order: Order) -> tuple[ContinuousBook, tuple[Trade, ...]]:
    """Submit a limit order: match it against the book, then rest what is left.

    Parameters
    ----------
    book
        Current book (not modified).
    order
        Incoming limit order; divisible, no block, price within the book's floor and cap.

    Returns
    -------
    tuple[ContinuousBook, tuple[Trade, ...]]
        The new book and the trades in execution order (best resting price first, then earliest
        arrival), each at the resting order's price.

    Raises
    ------
    ClearingInputError
        If the order is malformed (NaN or infinite numbers, quantity <= 0, price outside the floor
        and cap, reused id, block or minimum acceptance ratio); nothing changes then.
    """
    _validate(book, order)
    is_buy = order.side == Side.BUY
    opposite = book.asks if is_buy else book.bids
    remaining = float(order.quantity)
    trades: list[Trade] = []
    sequence = book.trade_count
    consumed = 0
    partial: RestingOrder | None = None
    for resting in opposite:
        if remaining <= 0 or not _crosses(order, resting.order):
            break
        fill = min(remaining, resting.remaining)
        buy_id, sell_id = (order.id, resting.order.id) if is_buy else (resting.order.id, order.id)
        trades.append(Trade(buy_id, sell_id, fill, float(resting.order.price), sequence))
        sequence += 1
        remaining -= fill
        if fill < resting.remaining:
            partial = replace(resting, remaining=resting.remaining - fill)
            break
        consumed += 1
    rest_of_opposite = opposite[consumed:]
    if partial is not None:
        rest_of_opposite = (partial, *rest_of_opposite[1:])

    own = book.bids if is_buy else book.asks
    next_arrival = book.next_arrival
    if remaining > 0:
        new_entry = RestingOrder(order=order, remaining=remaining, arrival=next_arrival)
        next_arrival += 1
        if is_buy:
            at = bisect_right(own, -order.price, key=lambda r: -r.order.price)
        else:
            at = bisect_right(own, order.price, key=lambda r: r.order.price)
        own = (*own[:at], new_entry, *own[at:])

    bids, asks = (own, rest_of_opposite) if is_buy else (rest_of_opposite, own)
    new_book = replace(
        book,
        bids=bids,
        asks=asks,
        seen_ids=book.seen_ids | {order.id},
        next_arrival=next_arrival,
        trade_count=sequence,
    )
    return new_book, tuple(trades)


def cancel(book: ContinuousBook, order_id: str) -> ContinuousBook:
    """Remove a resting order from the book.

    Parameters
    ----------
    book
        Current book (not modified).
    order_id
        Id of a resting order.

    Returns
    -------
    ContinuousBook
        The book without that order; its id stays used.

    Raises
    ------
    ClearingInputError
        If no resting order has this id (unknown, already filled or already cancelled).
    """
    bids = tuple(r for r in book.bids if r.order.id != order_id)
    asks = tuple(r for r in book.asks if r.order.id != order_id)
    if len(bids) == len(book.bids) and len(asks) == len(book.asks):
        raise ClearingInputError(
            f"order {order_id!r}: field 'id' = {order_id!r} is not resting in the book "
            "(allowed: ids of resting orders)"
        )
    return replace(book, bids=bids, asks=asks)


def cancel_all(book: ContinuousBook) -> ContinuousBook:
    """Remove every resting order (e.g. at the end of a trading round).

    Parameters
    ----------
    book
        Current book (not modified).

    Returns
    -------
    ContinuousBook
        An empty book with the same floor, cap, used ids and counters.
    """
    return replace(book, bids=(), asks=())
