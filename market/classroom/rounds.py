"""Clearing one round: the book from the seats' bids, the call auction, and each seat's payoff.

The book goes to ``clearing.clear`` (uniform price, pay-as-clear) with the round's price floor and
cap. Order ids are ``r{round}-s{seat}-{k}`` (``r{round}-auctioneer`` for the auctioneer's offer
under an auction); bids enter the book in submission order, which breaks price ties.

A seat's profit is ``base profit + value of its net trade − payments`` (see
:func:`~market.classroom.values.schedule_gain_cny`). For energy-use rights this equals the
production margin minus abatement cost minus penalty plus sales minus purchases; for green power
a buyer pays the penalty on the target it misses and a seller earns its sales less the value of
the certificates it gives up and the battery's wear.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from agents.bidding import BidderState, competitive_equilibrium
from clearing import MarketSpec, Order, Side, clear
from market.classroom.bids import SubmittedBid
from market.classroom.presets import GameParams, GreenMarket, Preset, RightsMarket
from market.classroom.values import RoundValues, rights_compliance, schedule_gain_cny

#: Seat number of the auctioneer in the book.
AUCTIONEER = -1
MIN_SURPLUS_CNY = 0.01
"""Competitive surplus below which a round has no gains from trade and no efficiency [CNY]."""


@dataclass(frozen=True, slots=True)
class BookLine:
    """One order of a round's book and what became of it.

    Attributes
    ----------
    order_id
        Id in the book.
    seat
        Seat that placed it (``-1``: the auctioneer).
    source
        ``"player"``, ``"bot"`` or ``"auctioneer"``.
    side, quantity, price
        The order [unit, CNY/unit].
    accepted
        Quantity traded [unit].
    payment_cny
        Money paid (positive) or received (negative) [CNY].
    """

    order_id: str
    seat: int
    source: str
    side: str
    quantity: float
    price: float
    accepted: float = 0.0
    payment_cny: float = 0.0


@dataclass(frozen=True)
class RoundResult:
    """Outcome of one round (JSON-ready through :meth:`to_dict`).

    Attributes
    ----------
    round
        Round index.
    params
        The rules of the round.
    price
        Uniform clearing price [CNY/unit] (``None`` without trade).
    volume
        Quantity traded [unit].
    book
        Every order with its fill.
    seats
        Per seat: ``source`` (``player``, ``bot`` or ``none``), ``bought``, ``sold``, ``net``,
        ``payment_cny``, ``profit_cny`` and the market's own figures.
    totals
        Market totals: ``emissions_tco2``, ``cap_units``, ``use_units``, ``auction_revenue_cny``,
        ``realised_surplus_cny``.
    equilibrium
        The competitive equilibrium of the round's private values: ``price``, ``price_low``,
        ``price_high``, ``volume``, ``surplus_cny`` and the realised ``efficiency``.
    cleared_unix_s
        When the round cleared [s since the epoch].
    interval
        The interval of clearing prices the published price is the midpoint of (``None``
        without trade).
    """

    round: int
    params: dict[str, Any]
    price: float | None
    volume: float
    book: tuple[BookLine, ...]
    seats: tuple[dict[str, Any], ...]
    totals: dict[str, Any]
    equilibrium: dict[str, Any]
    cleared_unix_s: float
    interval: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        data = asdict(self)
        data["book"] = [asdict(line) for line in self.book]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundResult:
        """Rebuild a result from :meth:`to_dict` output."""
        return cls(
            round=int(data["round"]),
            params=dict(data["params"]),
            price=None if data["price"] is None else float(data["price"]),
            volume=float(data["volume"]),
            book=tuple(BookLine(**line) for line in data["book"]),
            seats=tuple(dict(s) for s in data["seats"]),
            totals=dict(data["totals"]),
            equilibrium=dict(data["equilibrium"]),
            cleared_unix_s=float(data["cleared_unix_s"]),
            interval=None if data.get("interval") is None else tuple(data["interval"]),
        )


def order_id(round_index: int, seat: int, k: int) -> str:
    """Id of a seat's ``k``-th order in a round's book."""
    return f"r{round_index}-s{seat}-{k}"


def build_book(
    round_index: int, bids: Mapping[int, SubmittedBid], values: RoundValues
) -> list[BookLine]:
    """The round's book: every seat's standing bid in submission order, then the auctioneer."""
    lines: list[BookLine] = []
    for bid in sorted(bids.values(), key=lambda b: (b.seq, b.seat)):
        if not values.active[bid.seat]:
            continue
        for k, o in enumerate(bid.orders):
            lines.append(
                BookLine(
                    order_id(round_index, bid.seat, k),
                    bid.seat,
                    bid.source,
                    o.side,
                    o.quantity,
                    o.price,
                )
            )
    if values.auctioneer_qty > 0:
        lines.append(
            BookLine(
                f"r{round_index}-auctioneer",
                AUCTIONEER,
                "auctioneer",
                "sell",
                values.auctioneer_qty,
                values.auctioneer_price,
            )
        )
    return lines


def book_orders(book: list[BookLine] | tuple[BookLine, ...]) -> list[Order]:
    """The book as ``clearing.Order`` objects (sequence = position in the book)."""
    return [
        Order(
            id=line.order_id,
            agent=f"seat{line.seat}" if line.seat >= 0 else "auctioneer",
            side=Side(line.side),
            quantity=line.quantity,
            price=line.price,
            sequence=k,
        )
        for k, line in enumerate(book)
    ]


def market_spec(params: GameParams) -> MarketSpec:
    """The clearing rules of a round: uniform price within the round's floor and cap."""
    return MarketSpec(
        price_floor=params.price_floor_cny_per_unit, price_cap=params.price_cap_cny_per_unit
    )


def market_schedule(values: RoundValues) -> BidderState:
    """All seats' schedules, plus the auctioneer's offer as one more row under an auction."""
    state = values.schedule
    if values.auctioneer_qty <= 0:
        return state
    n_sell = state.sell_qty.shape[1]
    sell_qty = np.zeros((1, n_sell))
    sell_cost = np.zeros((1, n_sell))
    sell_qty[0, 0] = values.auctioneer_qty
    sell_cost[0, 0] = values.auctioneer_price
    n_buy = state.buy_qty.shape[1]
    return BidderState(
        np.vstack([state.buy_qty, np.zeros((1, n_buy))]),
        np.vstack([state.buy_value, np.zeros((1, n_buy))]),
        np.vstack([state.sell_qty, sell_qty]),
        np.vstack([state.sell_cost, sell_cost]),
    )


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _rights_figures(
    preset: Preset, market: RightsMarket, values: RoundValues, net: np.ndarray, params: GameParams
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    info = values.info
    holdings = info["allocation_tce"] + net
    shortfall = np.maximum(info["need_tce"] - holdings, 0.0)
    abated, penalty_tce, cost = rights_compliance(
        info["mac_capacity_tce"],
        info["mac_cost_cny_per_tce"],
        shortfall,
        params.penalty_cny_per_unit,
    )
    use = info["need_tce"] - abated
    emissions = use * market.co2_tco2_per_tce
    figures = {
        "need_tce": info["need_tce"],
        "allocation_tce": info["allocation_tce"],
        "holdings_tce": holdings,
        "abated_tce": abated,
        "penalty_tce": penalty_tce,
        "compliance_cost_cny": cost,
        "use_tce": use,
        "emissions_tco2": emissions,
        "output_t": info["output_t"],
    }
    totals = {
        "use_units": float(use.sum()),
        "cap_units": values.cap_units,
        "emissions_tco2": float(emissions.sum()),
        "cap_tco2": values.cap_units * market.co2_tco2_per_tce,
    }
    return figures, totals


def _green_figures(
    preset: Preset, market: GreenMarket, values: RoundValues, net: np.ndarray, params: GameParams
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    info = values.info
    sold = np.maximum(-net, 0.0)
    bought = np.maximum(net, 0.0)
    pv_sold = np.minimum(sold, info["pv_surplus_mwh"])
    from_battery = np.maximum(sold - pv_sold, 0.0)
    soc = np.maximum(
        info["soc_start_mwh"] - from_battery / info["battery_discharge_efficiency"], 0.0
    )
    room = np.maximum(info["battery_energy_mwh"] - soc, 0.0)
    unsold = (info["pv_surplus_mwh"] - pv_sold) * info["battery_charge_efficiency"]
    charge = np.minimum(np.minimum(unsold, room), info["battery_power_mwh"])
    soc_end = soc + charge
    green = np.minimum(bought, info["load_mwh"])
    shortfall = np.maximum(info["target_mwh"] - green, 0.0)
    grid = (info["load_mwh"] - green) + np.maximum(info["own_load_mwh"] - info["pv_mwh"], 0.0)
    emissions = grid * market.grid_tco2_per_mwh
    figures = {
        "pv_mwh": info["pv_mwh"],
        "pv_surplus_mwh": info["pv_surplus_mwh"],
        "soc_start_mwh": info["soc_start_mwh"],
        "soc_end_mwh": soc_end,
        "target_mwh": info["target_mwh"],
        "green_mwh": green,
        "shortfall_mwh": shortfall,
        "emissions_tco2": emissions,
    }
    totals = {
        "use_units": float(green.sum()),
        "cap_units": None,
        "emissions_tco2": float(emissions.sum()),
        "cap_tco2": None,
        "target_units": float(info["target_mwh"].sum()),
    }
    return figures, totals


def clear_round(
    preset: Preset,
    params: GameParams,
    values: RoundValues,
    bids: Mapping[int, SubmittedBid],
    cleared_unix_s: float,
) -> RoundResult:
    """Clear a round and settle every seat.

    Parameters
    ----------
    preset, params
        The game's preset and the round's rules.
    values
        The seats' private values this round.
    bids
        The standing bid of each seat that has one (players' last bids and bots' bids).
    cleared_unix_s
        Time stamp of the clearing [s since the epoch].
    """
    book = build_book(values.round, bids, values)
    result = clear(book_orders(book), market_spec(params))
    filled = tuple(
        BookLine(
            line.order_id,
            line.seat,
            line.source,
            line.side,
            line.quantity,
            line.price,
            float(result.accepted.get(line.order_id, 0.0)),
            float(result.payments.get(line.order_id, 0.0)),
        )
        for line in book
    )
    n = values.n_seats
    bought, sold, paid = np.zeros(n), np.zeros(n), np.zeros(n)
    auction_revenue = 0.0
    auctioneer_sold = 0.0
    for line in filled:
        if line.seat == AUCTIONEER:
            auction_revenue -= line.payment_cny
            auctioneer_sold += line.accepted
            continue
        (bought if line.side == "buy" else sold)[line.seat] += line.accepted
        paid[line.seat] += line.payment_cny
    net = bought - sold
    gain = schedule_gain_cny(values.schedule, net)
    profit = values.base_profit_cny + gain - paid
    if isinstance(preset.market, RightsMarket):
        figures, totals = _rights_figures(preset, preset.market, values, net, params)
    else:
        figures, totals = _green_figures(preset, preset.market, values, net, params)
    sources = {seat: bid.source for seat, bid in bids.items()}
    seats = tuple(
        {
            "seat": i,
            "active": bool(values.active[i]),
            "source": sources.get(i, "none") if values.active[i] else "none",
            "bought": float(bought[i]),
            "sold": float(sold[i]),
            "net": float(net[i]),
            "payment_cny": float(paid[i]),
            "profit_cny": float(profit[i]),
            "base_profit_cny": float(values.base_profit_cny[i]),
            **{name: float(arr[i]) for name, arr in figures.items()},
        }
        for i in range(n)
    )
    auctioneer_gain = -auctioneer_sold * values.auctioneer_price if auctioneer_sold else 0.0
    realised = float(gain.sum()) + auctioneer_gain
    ce = competitive_equilibrium(market_schedule(values))
    efficiency = realised / ce.surplus if ce.surplus >= MIN_SURPLUS_CNY else None
    price = result.price if result.status == "optimal" else math.nan
    interval = next(iter(result.price_intervals.values()), None)
    return RoundResult(
        round=values.round,
        params=params.model_dump(),
        price=_finite(price),
        volume=float(result.volume),
        book=filled,
        seats=seats,
        totals={
            **totals,
            "auction_revenue_cny": auction_revenue,
            "realised_surplus_cny": realised,
            "welfare_cny": float(result.welfare),
        },
        equilibrium={
            "price": _finite(ce.price),
            "price_low": _finite(ce.price_low),
            "price_high": _finite(ce.price_high),
            "volume": ce.volume,
            "surplus_cny": ce.surplus,
            "efficiency": efficiency,
        },
        cleared_unix_s=cleared_unix_s,
        interval=None if interval is None else (float(interval[0]), float(interval[1])),
    )
