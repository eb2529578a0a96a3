"""What bidders know about themselves and about the market, and what they learn afterwards.

:class:`BidderState` is each firm's private schedule: quantities it wants to buy with the value of
each unit, and quantities it can sell with the cost of each unit (the "induced values" of
experimental economics). :func:`rights_bidder_state` derives it for the energy-use-rights market
from a firm's position, its abatement options (MAC curve), the penalty and the production margin
(the curtailment option). :class:`MarketView` is the public information a strategy may use;
:class:`MarketOutcome` is what it observes after a clearing or a shout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from agents.abatement import AbatementOptions
from agents.bidding.errors import BiddingInputError
from agents.bidding.orders import BUY, SELL, OrderArrays

__all__ = [
    "BidderState",
    "MarketOutcome",
    "MarketView",
    "bidder_state",
    "rights_bidder_state",
]


def _schedule_shapes(name: str, qty: NDArray[np.float64], value: NDArray[np.float64]) -> None:
    if qty.ndim != 2 or value.shape != qty.shape:
        raise BiddingInputError(
            f"BidderState.{name}: quantity shape {qty.shape} and price shape {value.shape} must "
            "be equal and 2-D (firms, steps)"
        )
    bad_qty = ~np.isfinite(qty) | (qty < 0)
    if bad_qty.any():
        f, s = (int(i) for i in np.argwhere(bad_qty)[0])
        raise BiddingInputError(
            f"BidderState.{name}_qty[{f}, {s}] = {qty[f, s]}; a finite value >= 0 is required"
        )
    bad_value = (qty > 0) & np.isnan(value)
    if bad_value.any():
        f, s = (int(i) for i in np.argwhere(bad_value)[0])
        raise BiddingInputError(
            f"BidderState.{name} price[{f}, {s}] = nan; a number is required where the quantity "
            "is positive"
        )


@dataclass(frozen=True, eq=False)
class BidderState:
    """Private schedules of ``F`` firms (struct of arrays).

    Strategies use the steps in column order: the first step with a positive quantity is a firm's
    next unit. :func:`bidder_state` sorts the steps best first (highest value, lowest cost).

    Attributes
    ----------
    buy_qty : NDArray[np.float64]
        Shape ``(F, Sb)``; quantity wanted at each buy step [unit], ``>= 0``.
    buy_value : NDArray[np.float64]
        Shape ``(F, Sb)``; value of each unit of the step [money per unit]; ``+inf`` allowed.
    sell_qty : NDArray[np.float64]
        Shape ``(F, Ss)``; quantity offered at each sell step [unit], ``>= 0``.
    sell_cost : NDArray[np.float64]
        Shape ``(F, Ss)``; cost of each unit of the step [money per unit].
    """

    buy_qty: NDArray[np.float64]
    buy_value: NDArray[np.float64]
    sell_qty: NDArray[np.float64]
    sell_cost: NDArray[np.float64]

    def __post_init__(self) -> None:
        _schedule_shapes("buy", self.buy_qty, self.buy_value)
        _schedule_shapes("sell", self.sell_qty, self.sell_cost)
        if self.buy_qty.shape[0] != self.sell_qty.shape[0]:
            raise BiddingInputError(
                f"BidderState: {self.buy_qty.shape[0]} firms on the buy side but "
                f"{self.sell_qty.shape[0]} on the sell side"
            )

    @property
    def n_firms(self) -> int:
        """Number of firms ``F``."""
        return int(self.buy_qty.shape[0])

    def with_quantities(
        self, buy_qty: NDArray[np.float64], sell_qty: NDArray[np.float64]
    ) -> BidderState:
        """The same schedules with new remaining quantities (e.g. after trades)."""
        return BidderState(buy_qty, self.buy_value, sell_qty, self.sell_cost)


def _sorted(
    qty: NDArray[np.float64], price: NDArray[np.float64], descending: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    key = np.where(qty > 0, -price if descending else price, np.inf)
    key = np.where(np.isnan(key), np.inf, key)
    order = np.argsort(key, axis=1, kind="stable")
    return np.take_along_axis(qty, order, axis=1), np.take_along_axis(price, order, axis=1)


def _as_matrix(name: str, values: npt.ArrayLike) -> NDArray[np.float64]:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise BiddingInputError(f"{name}: cannot be read as numbers ({exc})") from exc
    if arr.ndim == 1:
        arr = arr[:, None]
    return arr


def bidder_state(
    buy_qty: npt.ArrayLike,
    buy_value: npt.ArrayLike,
    sell_qty: npt.ArrayLike,
    sell_cost: npt.ArrayLike,
) -> BidderState:
    """Validate schedules and sort them best first.

    Parameters
    ----------
    buy_qty, buy_value : array_like, shape (F, Sb) or (F,)
        Quantity wanted and value per unit of each buy step (a 1-D input is one step per firm).
    sell_qty, sell_cost : array_like, shape (F, Ss) or (F,)
        Quantity offered and cost per unit of each sell step.

    Returns
    -------
    BidderState
        Buy steps by descending value, sell steps by ascending cost, empty steps last.
    """
    bq, bv = _sorted(_as_matrix("buy_qty", buy_qty), _as_matrix("buy_value", buy_value), True)
    sq, sc = _sorted(_as_matrix("sell_qty", sell_qty), _as_matrix("sell_cost", sell_cost), False)
    return BidderState(bq, bv, sq, sc)


def _per_firm(name: str, values: npt.ArrayLike, n_firms: int) -> NDArray[np.float64]:
    arr = np.array(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n_firms, float(arr))
    if arr.shape != (n_firms,) or np.isnan(arr).any():
        raise BiddingInputError(
            f"{name}: expected a scalar or {n_firms} numbers (no NaN), got {arr.tolist()}"
        )
    return arr


def rights_bidder_state(
    position_tce: npt.ArrayLike,
    options: AbatementOptions,
    penalty_cny_per_tce: npt.ArrayLike,
    *,
    surplus_value_cny_per_tce: npt.ArrayLike = 0.0,
    bank_demand_tce: npt.ArrayLike | None = None,
) -> BidderState:
    """Schedules of firms in the energy-use-rights market from their MAC curves.

    ``position = rights held − counted energy use before further abatement`` [tce]. A firm short
    by ``s`` wants to buy the units of its MAC curve that lie in ``[0, s]``, each valued at its
    abatement cost capped by the penalty, plus any shortfall beyond its abatement capacity at the
    penalty. Abatement beyond ``s`` is offered for sale at its cost; a long firm also offers its
    surplus at ``surplus_value`` (0 without banking). The production margin enters through the
    curtailment option. The resulting net demand at price ``p`` is ``s − abatement_at_price(p)``,
    so truthful bids reproduce the textbook equilibrium of the MAC curves.

    Options and position must refer to the same time span (scale annual capacities for a monthly
    auction before calling).

    Parameters
    ----------
    position_tce : array_like, shape (F,)
        Rights held minus counted use [tce].
    options : AbatementOptions
        Abatement options of the same ``F`` firms.
    penalty_cny_per_tce : array_like, scalar or shape (F,)
        Penalty per tce of shortfall [CNY/tce], ``>= 0`` (``+inf`` allowed).
    surplus_value_cny_per_tce : array_like, scalar or shape (F,), optional
        Reservation value of a surplus right [CNY/tce].
    bank_demand_tce : array_like, scalar or shape (F,), optional
        Rights a firm would also buy to keep (bank) at ``surplus_value`` [tce], ``>= 0``; one
        more buy step when given.

    Returns
    -------
    BidderState
        ``K + 1`` buy steps (``K + 2`` with ``bank_demand_tce``) and ``K + 1`` sell steps per
        firm, sorted best first.
    """
    n = options.n_firms
    position = _per_firm("position_tce", position_tce, n)
    penalty = _per_firm("penalty_cny_per_tce", penalty_cny_per_tce, n)
    if (penalty < 0).any():
        raise BiddingInputError(f"penalty_cny_per_tce: {penalty.tolist()}; values must be >= 0")
    surplus_value = _per_firm("surplus_value_cny_per_tce", surplus_value_cny_per_tce, n)
    cap = options.capacity_tce
    cost = options.cost_cny_per_tce
    start = np.cumsum(cap, axis=1) - cap
    shortfall = np.maximum(-position, 0.0)
    surplus = np.maximum(position, 0.0)
    covered = np.clip(shortfall[:, None] - start, 0.0, cap)
    beyond_capacity = np.maximum(shortfall - cap.sum(axis=1), 0.0)
    buy_qty = np.concatenate([beyond_capacity[:, None], covered], axis=1)
    buy_value = np.concatenate([penalty[:, None], np.minimum(cost, penalty[:, None])], axis=1)
    if bank_demand_tce is not None:
        bank = _per_firm("bank_demand_tce", bank_demand_tce, n)
        if (bank < 0).any() or not np.isfinite(bank).all():
            raise BiddingInputError(f"bank_demand_tce: {bank.tolist()}; values must be >= 0")
        buy_qty = np.concatenate([buy_qty, bank[:, None]], axis=1)
        buy_value = np.concatenate([buy_value, surplus_value[:, None]], axis=1)
    sell_qty = np.concatenate([surplus[:, None], cap - covered], axis=1)
    sell_cost = np.concatenate([surplus_value[:, None], cost], axis=1)
    return bidder_state(buy_qty, buy_value, sell_qty, sell_cost)


@dataclass(frozen=True)
class MarketView:
    """Public information a strategy may use when it bids.

    Attributes
    ----------
    price_floor, price_cap
        Allowed range of limit prices [money per unit]; finite, floor <= cap.
    last_price
        Last trade or clearing price, ``nan`` if none yet.
    best_bid, best_ask
        Best resting quotes in a continuous market, ``nan`` if none (or in a call auction).
    period
        Index of the trading period or round.
    """

    price_floor: float = 0.0
    price_cap: float = 1e6
    last_price: float = math.nan
    best_bid: float = math.nan
    best_ask: float = math.nan
    period: int = 0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.price_floor) and math.isfinite(self.price_cap)):
            raise BiddingInputError(
                f"MarketView: price_floor = {self.price_floor}, price_cap = {self.price_cap}; "
                "finite numbers are required"
            )
        if self.price_floor > self.price_cap:
            raise BiddingInputError(
                f"MarketView: price_floor = {self.price_floor} exceeds price_cap = "
                f"{self.price_cap}; the floor must not exceed the cap"
            )


def _no_fills() -> OrderArrays:
    return OrderArrays.empty()


@dataclass(frozen=True, eq=False)
class MarketOutcome:
    """What a strategy observes after a call-auction clearing or after a shout in a CDA.

    Attributes
    ----------
    fills
        What the strategy's firms traded (rows of :class:`OrderArrays`: quantity traded, price
        per unit, and the limit price of the step).
    price
        The uniform clearing price, or the price of the trade the shout caused; ``nan`` if none.
    shout_side
        ``BUY`` or ``SELL`` for the side of the shout in a continuous double auction; ``0`` for a
        call auction.
    shout_price
        Limit price of that shout (``nan`` in a call auction).
    shout_accepted
        Whether the shout traded (continuous double auction only).
    best_bid, best_ask
        Best quotes after the event, ``nan`` if none; in a call auction without trade the highest
        bid and lowest ask submitted.
    """

    fills: OrderArrays = field(default_factory=_no_fills)
    price: float = math.nan
    shout_side: int = 0
    shout_price: float = math.nan
    shout_accepted: bool = False
    best_bid: float = math.nan
    best_ask: float = math.nan

    def __post_init__(self) -> None:
        if self.shout_side not in (0, BUY, SELL):
            raise BiddingInputError(
                f"MarketOutcome.shout_side = {self.shout_side!r}; allowed: 0, 1 (buy), -1 (sell)"
            )

    @property
    def is_call_auction(self) -> bool:
        """True when the outcome comes from a call auction (no shout side)."""
        return self.shout_side == 0
