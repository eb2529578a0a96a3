"""Orders of many firms as arrays, and their conversion to and from the clearing engine.

Strategies return :class:`OrderArrays` (one row per order step). The hot path hands the arrays to
``clearing.clear_uniform_arrays`` through :func:`to_uniform_arrays`; call auctions with the full
order model use :func:`to_orders`. The same class also records *fills* (what was traded, at which
price), which strategies learn from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from agents.bidding.errors import BiddingInputError
from clearing import Order, Side

__all__ = [
    "BUY",
    "SELL",
    "OrderArrays",
    "UniformBook",
    "fills_from_clearing",
    "fills_from_uniform",
    "to_orders",
    "to_uniform_arrays",
]

#: Side code of a buy order in :class:`OrderArrays`.
BUY: Final = 1
#: Side code of a sell order in :class:`OrderArrays`.
SELL: Final = -1


@dataclass(frozen=True, eq=False)
class OrderArrays:
    """Order steps (or fills) of many firms, one row each, as parallel 1-D arrays.

    Attributes
    ----------
    firm : NDArray[np.int64]
        Index of the firm placing the order.
    side : NDArray[np.int8]
        ``BUY`` (1) or ``SELL`` (-1).
    step : NDArray[np.int64]
        Column of the bidder state's buy or sell schedule the order comes from.
    quantity : NDArray[np.float64]
        Quantity [product unit, e.g. tce or MWh], > 0 (for fills: the quantity traded).
    price : NDArray[np.float64]
        Limit price [money per unit] (for fills: the price paid or received per unit).
    limit_price : NDArray[np.float64]
        The firm's own value (buy, at most the price cap) or cost (sell, at least the price floor)
        per unit behind the order. Kept inside the agent layer; never sent to the market.
    """

    firm: NDArray[np.int64]
    side: NDArray[np.int8]
    step: NDArray[np.int64]
    quantity: NDArray[np.float64]
    price: NDArray[np.float64]
    limit_price: NDArray[np.float64]

    def __post_init__(self) -> None:
        n = self.firm.shape
        for name in ("side", "step", "quantity", "price", "limit_price"):
            arr = getattr(self, name)
            if arr.ndim != 1 or arr.shape != n:
                raise BiddingInputError(
                    f"OrderArrays.{name}: shape {arr.shape} differs from firm shape {n}"
                )
        if not np.isin(self.side, (BUY, SELL)).all():
            raise BiddingInputError(
                f"OrderArrays.side: values {sorted(set(self.side.tolist()))}; allowed: 1, -1"
            )

    def __len__(self) -> int:
        return int(self.firm.shape[0])

    @property
    def is_buy(self) -> NDArray[np.bool_]:
        """Mask of buy rows."""
        return np.asarray(self.side == BUY)

    @classmethod
    def empty(cls) -> OrderArrays:
        """No orders."""
        return cls(
            firm=np.zeros(0, dtype=np.int64),
            side=np.zeros(0, dtype=np.int8),
            step=np.zeros(0, dtype=np.int64),
            quantity=np.zeros(0),
            price=np.zeros(0),
            limit_price=np.zeros(0),
        )

    def select(self, rows: NDArray[np.bool_] | NDArray[np.int64]) -> OrderArrays:
        """The rows given by a mask or an index array."""
        return OrderArrays(
            firm=self.firm[rows],
            side=self.side[rows],
            step=self.step[rows],
            quantity=self.quantity[rows],
            price=self.price[rows],
            limit_price=self.limit_price[rows],
        )

    def surplus_cny(self) -> NDArray[np.float64]:
        """Surplus of each row as a fill: ``(limit − price)·q`` for buys, the reverse for sells.

        Returns
        -------
        NDArray[np.float64]
            Money per row (e.g. CNY).
        """
        sign = np.where(self.is_buy, 1.0, -1.0)
        return np.asarray(sign * (self.limit_price - self.price) * self.quantity)


def to_orders(
    order_arrays: OrderArrays,
    period: int,
    zone: str,
    product: str,
    prefix: str,
    *,
    agent_names: Sequence[str] | None = None,
) -> list[Order]:
    """Turn order arrays into ``clearing.Order`` objects for a call auction.

    Row ``k`` becomes the order with id ``f"{prefix}{k}"`` and ``sequence=k``.

    Parameters
    ----------
    order_arrays
        Orders of one strategy (or several, concatenated).
    period, zone, product
        Cell the orders belong to.
    prefix
        Id prefix; must make ids unique in the book (e.g. ``"rights-m03-"``).
    agent_names
        Name of each firm by index; ``f"firm{index}"`` if omitted.

    Returns
    -------
    list[Order]
    """
    if (
        agent_names is not None
        and len(order_arrays)
        and int(order_arrays.firm.max()) >= len(agent_names)
    ):
        raise BiddingInputError(
            f"agent_names: {len(agent_names)} names for firm index "
            f"{int(order_arrays.firm.max())}; one name per firm is required"
        )
    names = agent_names
    return [
        Order(
            id=f"{prefix}{k}",
            agent=names[f] if names is not None else f"firm{f}",
            side=Side.BUY if s == BUY else Side.SELL,
            quantity=q,
            price=p,
            period=period,
            zone=zone,
            product=product,
            sequence=k,
        )
        for k, (f, s, q, p) in enumerate(
            zip(
                order_arrays.firm.tolist(),
                order_arrays.side.tolist(),
                order_arrays.quantity.tolist(),
                order_arrays.price.tolist(),
                strict=True,
            )
        )
    ]


class UniformBook(NamedTuple):
    """Order arrays split by side for ``clearing.clear_uniform_arrays``.

    ``buy_rows``/``sell_rows`` give the row of :class:`OrderArrays` behind each entry, in the same
    order as the quantity and price arrays (row order is the submission sequence).
    """

    buy_qty: NDArray[np.float64]
    buy_price: NDArray[np.float64]
    sell_qty: NDArray[np.float64]
    sell_price: NDArray[np.float64]
    buy_rows: NDArray[np.int64]
    sell_rows: NDArray[np.int64]


def to_uniform_arrays(order_arrays: OrderArrays) -> UniformBook:
    """Split orders into the buy and sell arrays of the fast uniform-price clearing.

    Parameters
    ----------
    order_arrays
        Orders to clear together.

    Returns
    -------
    UniformBook
    """
    buy_rows = np.flatnonzero(order_arrays.is_buy).astype(np.int64)
    sell_rows = np.flatnonzero(~order_arrays.is_buy).astype(np.int64)
    return UniformBook(
        buy_qty=order_arrays.quantity[buy_rows],
        buy_price=order_arrays.price[buy_rows],
        sell_qty=order_arrays.quantity[sell_rows],
        sell_price=order_arrays.price[sell_rows],
        buy_rows=buy_rows,
        sell_rows=sell_rows,
    )


def fills_from_uniform(
    order_arrays: OrderArrays,
    price: float,
    buy_accepted: npt.ArrayLike,
    sell_accepted: npt.ArrayLike,
) -> OrderArrays:
    """Fills of a uniform-price clearing of :func:`to_uniform_arrays` output.

    Parameters
    ----------
    order_arrays
        The orders that were cleared.
    price
        Uniform price [money per unit].
    buy_accepted, sell_accepted
        Accepted quantity per buy and per sell entry, in :class:`UniformBook` order.

    Returns
    -------
    OrderArrays
        One row per order with a positive accepted quantity, at the uniform price.
    """
    book = to_uniform_arrays(order_arrays)
    accepted = np.zeros(len(order_arrays))
    accepted[book.buy_rows] = np.asarray(buy_accepted, dtype=np.float64)
    accepted[book.sell_rows] = np.asarray(sell_accepted, dtype=np.float64)
    rows = np.flatnonzero(accepted > 0)
    fills = order_arrays.select(rows)
    return OrderArrays(
        firm=fills.firm,
        side=fills.side,
        step=fills.step,
        quantity=accepted[rows],
        price=np.full(rows.size, float(price)),
        limit_price=fills.limit_price,
    )


def fills_from_clearing(
    order_arrays: OrderArrays,
    accepted: Mapping[str, float],
    payments: Mapping[str, float],
    prefix: str,
) -> OrderArrays:
    """Fills of a ``clearing.clear`` result for orders made by :func:`to_orders`.

    Parameters
    ----------
    order_arrays
        The orders passed to :func:`to_orders`.
    accepted, payments
        ``ClearingResult.accepted`` and ``ClearingResult.payments`` (positive when the owner pays).
    prefix
        The prefix given to :func:`to_orders`.

    Returns
    -------
    OrderArrays
        One row per accepted order; the price is the payment per unit received or paid.
    """
    n = len(order_arrays)
    qty = np.array([float(accepted.get(f"{prefix}{k}", 0.0)) for k in range(n)])
    pay = np.array([float(payments.get(f"{prefix}{k}", 0.0)) for k in range(n)])
    rows = np.flatnonzero(qty > 0)
    fills = order_arrays.select(rows)
    sign = np.where(fills.is_buy, 1.0, -1.0)
    return OrderArrays(
        firm=fills.firm,
        side=fills.side,
        step=fills.step,
        quantity=qty[rows],
        price=sign * pay[rows] / qty[rows],
        limit_price=fills.limit_price,
    )
