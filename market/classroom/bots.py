"""Bots: seats played by a bidding strategy of ``agents.bidding``.

One strategy object plays the whole population of seats (so learning strategies keep per-seat
state across rounds); only the rows of the seats a bot plays this round go into the book. Each
round draws from its own generator ``default_rng([seed, 13, round])``, so a game's bots can be
rebuilt after a restart by replaying the rounds already cleared (:meth:`BotPlayer.replay`).

ZI-C bots in a single call (literature cited from memory). Gode & Sunder (1993, JPE 101(1))
found that budget-constrained zero-intelligence traders (ZI-C) reach 97-99 % allocative
efficiency in a continuous double auction, where a unit that has not traded is shouted again at a
fresh random price. Gode & Sunder (1997, QJE 112(2)) trace such efficiency to the market's rules
(the budget constraint, how bids and asks are matched, how often the market calls) rather than to
the traders. A classroom round is one sealed-bid call, so no unit gets a second draw: with the
whole value range as the bots' range, a buyer's bid ``U[lowest cost, value]`` often falls below a
seller's ask ``U[cost, highest value]`` although the value exceeds the cost, and measured
efficiency is about 0.32 / 0.97 / 0.68 (rights_grandfathering / rights_auction /
green_power_day; ``python -m bench.bench_bots --margin-shares 1``).

So the game gives ZI-C bots a price range per side from the round's values, as Gode & Sunder's
experimenter gave their traders a range that covered the market's values
(:func:`zi_c_price_bounds`): buyers draw from ``[lowest bid, value]`` and sellers from ``[cost,
highest ask]``, where the two bounds are the round's competitive price interval widened by
:data:`ZI_C_MARGIN_SHARE` of the round's value range. Within the margin, units near the
competitive price trade out of order at random (the source of Gode & Sunder's small loss); with no
margin the call would reproduce the competitive outcome exactly, with the whole range it loses
most of its trade. The bots still draw uniformly at random, never bid above value or ask below
cost, and learn nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from agents.bidding import (
    BUY,
    BidderState,
    BiddingStrategy,
    MarketOutcome,
    MarketView,
    OrderArrays,
    competitive_equilibrium,
    make_bidding_strategy,
)
from market.classroom.bids import BidOrder
from market.classroom.presets import GameParams
from market.classroom.rounds import RoundResult, market_schedule, order_id
from market.classroom.values import RoundValues

#: Share of the round's value range by which ZI-C bots' bounds reach past the competitive price
#: interval on each side [-] (a design choice; see the module notes and the README's figures).
ZI_C_MARGIN_SHARE = 0.01


def price_to_4_decimals(price: float, side: int) -> float:
    """A bot's price to 4 decimals, rounded away from a loss (bids down, asks up)."""
    scaled = price * 1e4
    near = round(scaled)
    if abs(scaled - near) < 1e-6:
        return near / 1e4
    return (math.floor(scaled) if side == BUY else math.ceil(scaled)) / 1e4


def clip_to_limits(
    arrays: OrderArrays, max_buy: np.ndarray, max_sell: np.ndarray
) -> dict[int, list[tuple[int, BidOrder]]]:
    """A bot's orders per seat, cut so that no seat buys or sells more than it may.

    Returns
    -------
    dict[int, list[tuple[int, BidOrder]]]
        Per seat, ``(row of arrays, order)`` in row order; rows cut to zero are left out.
    """
    out: dict[int, list[tuple[int, BidOrder]]] = {}
    left_buy = max_buy.astype(np.float64).copy()
    left_sell = max_sell.astype(np.float64).copy()
    for row, (firm, side, qty, price) in enumerate(
        zip(
            arrays.firm.tolist(),
            arrays.side.tolist(),
            arrays.quantity.tolist(),
            arrays.price.tolist(),
            strict=True,
        )
    ):
        left = left_buy if side == BUY else left_sell
        take = round(min(qty, float(left[firm])), 6)
        if take <= 0:
            continue
        left[firm] -= take
        order = BidOrder("buy" if side == BUY else "sell", take, price_to_4_decimals(price, side))
        out.setdefault(firm, []).append((row, order))
    return out


def bot_price_range(values: RoundValues, params: GameParams) -> tuple[float, float]:
    """The price range bots draw from: the preset's bounds narrowed to the round's values and costs.

    Gode & Sunder (1993) drew ZI prices from a fixed range that just covered every value and cost
    of their markets. A preset's floor and cap are loose legal bounds (a rights cap of
    2,000 CNY/tce around an equilibrium of a few hundred), and a ZI-C seller asking up to the cap
    would rarely meet a buyer in a sealed-bid call. So the range is ``[max(floor, lowest cost),
    min(cap, highest value)]`` over the steps in this round's market (the auctioneer's reserve
    counts as a cost); each bot still bids at most its value and asks at least its cost.

    Returns
    -------
    tuple[float, float]
        ``(floor, cap)`` [CNY/unit] with ``floor <= cap``; the preset's bounds when the round has
        no finite value or no cost.
    """
    floor = params.price_floor_cny_per_unit
    cap = params.price_cap_cny_per_unit
    schedule = values.schedule
    buy_values = schedule.buy_value[(schedule.buy_qty > 0) & np.isfinite(schedule.buy_value)]
    costs = schedule.sell_cost[(schedule.sell_qty > 0) & np.isfinite(schedule.sell_cost)]
    if values.auctioneer_qty > 0 and math.isfinite(values.auctioneer_price):
        costs = np.append(costs, values.auctioneer_price)
    if buy_values.size == 0 or costs.size == 0:
        return floor, cap
    low = min(max(floor, float(costs.min())), cap)
    high = max(min(cap, float(buy_values.max())), low)
    return low, high


def zi_c_price_bounds(
    values: RoundValues, params: GameParams, margin_share: float | None = None
) -> tuple[float, float]:
    """The lowest bid and the highest ask of ZI-C bots, around the round's competitive prices.

    ``lowest bid = price_low - m`` and ``highest ask = price_high + m``, where ``[price_low,
    price_high]`` is the interval of competitive prices of every active seat's schedule (with the
    auctioneer's offer at its reserve) and ``m = margin_share x (high - low)`` of
    :func:`bot_price_range`; both bounds are kept inside that range. A ZI-C buyer bids uniformly
    in ``[lowest bid, value]`` and a seller asks uniformly in ``[cost, highest ask]`` (see the
    module notes for the literature).

    Parameters
    ----------
    values, params
        The round's values and rules.
    margin_share
        Share of the round's value range added on each side of the competitive interval [-], in
        ``[0, 1]``; :data:`ZI_C_MARGIN_SHARE` when omitted (``1`` gives the whole range).

    Returns
    -------
    tuple[float, float]
        ``(lowest bid, highest ask)`` [CNY/unit] with ``lowest bid <= highest ask``; the bounds of
        :func:`bot_price_range` when the round has no gains from trade.
    """
    share = ZI_C_MARGIN_SHARE if margin_share is None else min(max(margin_share, 0.0), 1.0)
    low, high = bot_price_range(values, params)
    equilibrium = competitive_equilibrium(market_schedule(values))
    band = (equilibrium.price_low, equilibrium.price_high)
    if equilibrium.volume <= 0 or not all(math.isfinite(p) for p in band):
        return low, high
    band_low, band_high = sorted(min(max(p, low), high) for p in band)
    margin = share * (high - low)
    return max(low, band_low - margin), min(high, band_high + margin)


def one_sided_orders(
    strategy: BiddingStrategy,
    schedule: BidderState,
    views: tuple[MarketView, MarketView],
    rng: np.random.Generator,
) -> OrderArrays:
    """Buy rows priced under the first view and sell rows under the second (buys first).

    For a memoryless strategy (ZI-C) whose buyers and sellers face different price bounds.
    """
    buys = strategy.orders(schedule, views[0], rng)
    sells = strategy.orders(schedule, views[1], rng)
    buys = buys.select(buys.is_buy)
    sells = sells.select(~sells.is_buy)
    return OrderArrays(
        firm=np.concatenate([buys.firm, sells.firm]),
        side=np.concatenate([buys.side, sells.side]),
        step=np.concatenate([buys.step, sells.step]),
        quantity=np.concatenate([buys.quantity, sells.quantity]),
        price=np.concatenate([buys.price, sells.price]),
        limit_price=np.concatenate([buys.limit_price, sells.limit_price]),
    )


class BotPlayer:
    """Plays every seat with one strategy; the game takes the rows of the seats bots play.

    Parameters
    ----------
    strategy
        Registry name (``truthful``, ``zi_c``, ``zip``, ``roth_erev``).
    seed
        The game's seed.
    """

    def __init__(self, strategy: str, seed: int) -> None:
        self.strategy_name = strategy
        self.seed = seed
        self._strategy = make_bidding_strategy(strategy)
        self.rounds_played = 0
        self._last: tuple[OrderArrays, dict[int, list[tuple[int, BidOrder]]]] | None = None

    def orders(
        self, values: RoundValues, params: GameParams, last_price: float | None
    ) -> dict[int, list[tuple[int, BidOrder]]]:
        """Orders of every seat for a round (call once per round, before :meth:`observe`)."""
        last = math.nan if last_price is None else float(last_price)
        rng = np.random.default_rng([self.seed, 13, values.round])
        if self.strategy_name == "zi_c":
            lowest_bid, highest_ask = zi_c_price_bounds(values, params)
            floor, cap = params.price_floor_cny_per_unit, params.price_cap_cny_per_unit
            views = (
                MarketView(
                    price_floor=lowest_bid, price_cap=cap, last_price=last, period=values.round
                ),
                MarketView(
                    price_floor=floor, price_cap=highest_ask, last_price=last, period=values.round
                ),
            )
            arrays = one_sided_orders(self._strategy, values.schedule, views, rng)
        else:
            floor, cap = bot_price_range(values, params)
            view = MarketView(
                price_floor=floor, price_cap=cap, last_price=last, period=values.round
            )
            arrays = self._strategy.orders(values.schedule, view, rng)
        per_seat = clip_to_limits(arrays, values.max_buy, values.max_sell)
        self._last = (arrays, per_seat)
        return per_seat

    def observe(self, result: RoundResult, bot_seats: Iterable[int]) -> None:
        """Learn from a cleared round: the fills of the rows that bots placed in the book."""
        if self._last is None:
            raise RuntimeError("BotPlayer.observe needs a call of orders() for the round first")
        arrays, per_seat = self._last
        accepted = {line.order_id: line.accepted for line in result.book}
        rows: list[int] = []
        qty: list[float] = []
        for seat in bot_seats:
            for k, (row, _order) in enumerate(per_seat.get(seat, [])):
                got = accepted.get(order_id(result.round, seat, k), 0.0)
                if got > 0:
                    rows.append(row)
                    qty.append(got)
        fills = arrays.select(np.asarray(rows, dtype=np.int64))
        price = math.nan if result.price is None else result.price
        fills = OrderArrays(
            firm=fills.firm,
            side=fills.side,
            step=fills.step,
            quantity=np.asarray(qty, dtype=np.float64),
            price=np.full(len(rows), price),
            limit_price=fills.limit_price,
        )
        bids = [line.price for line in result.book if line.side == "buy"]
        asks = [line.price for line in result.book if line.side == "sell"]
        self._strategy.observe(
            MarketOutcome(
                fills=fills,
                price=price,
                best_bid=max(bids) if bids else math.nan,
                best_ask=min(asks) if asks else math.nan,
            )
        )
        self._last = None
        self.rounds_played += 1
