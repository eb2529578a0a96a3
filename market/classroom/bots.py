"""Bots: seats played by a bidding strategy of ``agents.bidding``.

One strategy object plays the whole population of seats (so learning strategies keep per-seat
state across rounds); only the rows of the seats a bot plays this round go into the book. Each
round draws from its own generator ``default_rng([seed, 13, round])``, so a game's bots can be
rebuilt after a restart by replaying the rounds already cleared (:meth:`BotPlayer.replay`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from agents.bidding import (
    BUY,
    MarketOutcome,
    MarketView,
    OrderArrays,
    make_bidding_strategy,
)
from market.classroom.bids import BidOrder
from market.classroom.presets import GameParams
from market.classroom.rounds import RoundResult, order_id
from market.classroom.values import RoundValues


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
        order = BidOrder("buy" if side == BUY else "sell", take, round(price, 4))
        out.setdefault(firm, []).append((row, order))
    return out


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
        view = MarketView(
            price_floor=params.price_floor_cny_per_unit,
            price_cap=params.price_cap_cny_per_unit,
            last_price=math.nan if last_price is None else float(last_price),
            period=values.round,
        )
        rng = np.random.default_rng([self.seed, 13, values.round])
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
