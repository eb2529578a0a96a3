"""Value types of the clearing engine: orders, market specification and clearing result.

Every type is immutable. Quantities are in the product's unit (MWh for green power, tce for
energy-use rights); prices are money per unit (e.g. CNY/MWh or CNY/tce); money is in the same
currency (e.g. CNY).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

Cell = tuple[str, str, int]
"""A clearing cell ``(product, zone, period)``: one uniform price is formed per cell."""

Link = tuple[str, str, int]
"""A directed interconnector flow key ``(from_zone, to_zone, period)``."""


class Side(StrEnum):
    """Side of an order: a buyer's bid or a seller's offer."""

    BUY = "buy"
    SELL = "sell"


class PricingRule(StrEnum):
    """How accepted orders are settled.

    ``PAY_AS_CLEAR``: every accepted order settles at the uniform price of its cell.
    ``PAY_AS_BID``: every accepted order settles at its own limit price.
    """

    PAY_AS_CLEAR = "pay_as_clear"
    PAY_AS_BID = "pay_as_bid"


@dataclass(frozen=True, slots=True)
class Order:
    """A limit order in a call auction.

    Parameters
    ----------
    id
        Unique identifier of the order in its book.
    agent
        Owner of the order (a firm, a plant, the park operator, ...).
    side
        ``Side.BUY`` or ``Side.SELL``.
    quantity
        Offered or requested quantity, > 0, in the product's unit (MWh, tce, ...).
    price
        Limit price per unit: the most a buyer pays, the least a seller accepts.
    period
        Delivery period index (e.g. hour of the day), >= 0.
    zone
        Zone (park) of delivery; must be one of ``MarketSpec.zones``.
    product
        Product traded (e.g. ``"green_mwh"``, ``"rights_tce"``); each product clears separately.
    block
        Orders sharing a block id are accepted all-or-nothing together (each fully or none).
    min_acceptance_ratio
        0 = divisible; 1 = fill-or-kill; between = accepted either not at all or for at least this
        share of ``quantity``.
    sequence
        Submission sequence number, used for tie-breaking (earlier first).
    """

    id: str
    agent: str
    side: Side
    quantity: float
    price: float
    period: int = 0
    zone: str = "default"
    product: str = "default"
    block: str | None = None
    min_acceptance_ratio: float = 0.0
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class Interconnector:
    """A transfer limit between two zones (parks).

    Parameters
    ----------
    from_zone, to_zone
        The zones linked.
    capacity
        Largest flow per period, in quantity units, for each product. The link is usable in both
        directions with this capacity and fee, unless a separate reverse ``Interconnector``
        (``to_zone`` -> ``from_zone``) is given; then each one covers only its own direction.
    wheeling_fee
        Money charged per unit moved (e.g. CNY/MWh), >= 0.
    """

    from_zone: str
    to_zone: str
    capacity: float
    wheeling_fee: float = 0.0


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """Rules of one clearing.

    Parameters
    ----------
    rule
        Settlement rule (uniform price or pay-as-bid).
    price_floor, price_cap
        Every order's limit price must lie in ``[price_floor, price_cap]``; uniform prices are
        always in this range.
    tick
        0 for continuous prices. Otherwise order prices, floor, cap and wheeling fees must be
        multiples of ``tick`` and the uniform price is the multiple of ``tick`` nearest the
        midpoint of the clearing interval, rounding half down (it stays inside the interval).
    zones
        Names of the zones (parks) in the market.
    interconnectors
        Transfer limits between zones; zones without a link are isolated.
    tie_break
        Order of precedence between orders at equal price. Only ``"price_sequence_id"`` exists:
        better price first, then lower ``sequence``, then lexicographically smaller ``id``.
    """

    rule: PricingRule = PricingRule.PAY_AS_CLEAR
    price_floor: float = 0.0
    price_cap: float = 1e6
    tick: float = 0.0
    zones: tuple[str, ...] = ("default",)
    interconnectors: tuple[Interconnector, ...] = ()
    tie_break: str = "price_sequence_id"


def _frozen_mapping(data: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(data or {}))


@dataclass(frozen=True)
class ClearingResult:
    """Outcome of one clearing.

    Attributes
    ----------
    status
        ``"optimal"`` when some quantity traded, ``"no_trade"`` when nothing did.
    prices
        Uniform price per cell ``(product, zone, period)`` with at least one order or flow;
        ``nan`` for a cell where nothing traded and nothing flowed.
    accepted
        Accepted quantity per order id (0.0 for rejected orders).
    payments
        Money per order id, positive when the order's owner pays (buyers), negative when it is
        paid (sellers).
    volume
        Total accepted quantity (accepted buys equal accepted sells: flows only move quantity).
    welfare
        Sum of buyers' limit value of accepted quantity minus sellers' limit cost minus wheeling
        fees, in money.
    solver
        ``"fast"``, ``"highs"`` or ``"cbc"``.
    solve_time_s
        Wall-clock time of the clearing, in seconds.
    paradoxically_accepted_blocks
        Blocks (and fill-or-kill or minimum-ratio orders, by order id) accepted although they lose
        money at the final prices.
    flows
        Flow per directed link ``(from_zone, to_zone, period)`` for each product summed, in
        quantity units; only nonzero flows are listed.
    price_intervals
        Per cell, the interval ``(low, high)`` of prices that clear the market for the chosen
        allocation; the published price is its midpoint (see ``clearing.pricing``).
    paradoxically_rejected_blocks
        Blocks rejected although they would earn money at the final prices.
    """

    status: str
    prices: Mapping[Cell, float]
    accepted: Mapping[str, float]
    payments: Mapping[str, float]
    volume: float
    welfare: float
    solver: str
    solve_time_s: float
    paradoxically_accepted_blocks: tuple[str, ...] = ()
    flows: Mapping[Link, float] = field(default_factory=_frozen_mapping)
    price_intervals: Mapping[Cell, tuple[float, float]] = field(default_factory=_frozen_mapping)
    paradoxically_rejected_blocks: tuple[str, ...] = ()

    @property
    def price(self) -> float:
        """The single uniform price when the book has exactly one cell.

        Returns ``nan`` for an empty book.

        Raises
        ------
        ValueError
            When the book spans several products, zones or periods; use ``prices`` then.
        """
        if not self.prices:
            return math.nan
        if len(self.prices) > 1:
            raise ValueError(
                f"result has {len(self.prices)} prices (cells {sorted(self.prices)}); "
                "use .prices[(product, zone, period)] or .price_of(...)"
            )
        return next(iter(self.prices.values()))

    def price_of(self, zone: str = "default", period: int = 0, product: str = "default") -> float:
        """Uniform price of one cell, ``nan`` when the cell had no order."""
        return self.prices.get((product, zone, period), math.nan)

    @property
    def traded(self) -> bool:
        """True when any quantity was accepted."""
        return self.status == "optimal"
