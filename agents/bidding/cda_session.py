"""A trading session of one strategy's firms in the continuous double auction.

The protocol follows Gode & Sunder (1993): at each step one trader with units left is picked at
random (a buyer or a seller side of a firm), asks its strategy for a quote and shouts it for its
next unit (its first step with quantity left). The shout replaces the trader's earlier resting
quote on that side. Trades execute at the resting order's price (see
:mod:`clearing.continuous`). With ``clear_book_after_trade`` every trade cancels all resting
quotes, as in Gode & Sunder's markets. After each shout the strategy observes the shout and its
firms' fills. Pure: the book and the schedules are values; randomness comes from ``rng``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.bidding.errors import BiddingInputError
from agents.bidding.orders import BUY, SELL, OrderArrays
from agents.bidding.protocol import BiddingStrategy
from agents.bidding.state import BidderState, MarketOutcome, MarketView
from clearing import Order, Side
from clearing.continuous import ContinuousBook, Trade, cancel, cancel_all, submit

__all__ = ["CdaSessionResult", "run_cda_session"]


@dataclass(frozen=True, eq=False)
class CdaSessionResult:
    """Trades of a session and the state it leaves.

    Attributes
    ----------
    trades
        Trades in execution order.
    buyer_firm, seller_firm
        Firm index of the buyer and of the seller of each trade.
    buyer_limit, seller_limit
        Value of the unit bought and cost of the unit sold [money per unit], per trade.
    state
        The schedules with the quantities left after the session.
    book
        The final book.
    """

    trades: tuple[Trade, ...]
    buyer_firm: NDArray[np.int64]
    seller_firm: NDArray[np.int64]
    buyer_limit: NDArray[np.float64]
    seller_limit: NDArray[np.float64]
    state: BidderState
    book: ContinuousBook

    @property
    def prices(self) -> NDArray[np.float64]:
        """Trade prices in execution order [money per unit]."""
        return np.array([t.price for t in self.trades], dtype=np.float64)

    @property
    def quantities(self) -> NDArray[np.float64]:
        """Trade quantities in execution order [unit]."""
        return np.array([t.quantity for t in self.trades], dtype=np.float64)

    @property
    def surplus(self) -> float:
        """Total realised surplus: Σ (buyer value − seller cost) × quantity [money]."""
        return float(((self.buyer_limit - self.seller_limit) * self.quantities).sum())


def _fills(trades: tuple[Trade, ...], owner: dict[str, tuple[int, int, int, float]]) -> OrderArrays:
    rows = [(owner[t.buy_id], t) for t in trades] + [(owner[t.sell_id], t) for t in trades]
    if not rows:
        return OrderArrays.empty()
    return OrderArrays(
        firm=np.array([o[0] for o, _ in rows], dtype=np.int64),
        side=np.array([o[1] for o, _ in rows], dtype=np.int8),
        step=np.array([o[2] for o, _ in rows], dtype=np.int64),
        quantity=np.array([t.quantity for _, t in rows]),
        price=np.array([t.price for _, t in rows]),
        limit_price=np.array([o[3] for o, _ in rows]),
    )


def run_cda_session(
    state: BidderState,
    strategy: BiddingStrategy,
    market: MarketView,
    rng: np.random.Generator,
    *,
    n_shouts: int,
    clear_book_after_trade: bool = True,
    id_prefix: str = "",
) -> CdaSessionResult:
    """Run ``n_shouts`` shouts of a continuous double auction (fewer if no trader has units left).

    Parameters
    ----------
    state
        Private schedules of the firms (units to buy and sell, best first).
    strategy
        Strategy of all firms; observes every shout.
    market
        Price floor and cap; ``last_price``/``best_bid``/``best_ask`` are updated as trading goes.
    rng
        Source of all randomness (trader choice and the strategy's draws).
    n_shouts
        Number of shouts, >= 0.
    clear_book_after_trade
        Cancel all resting quotes after each trade (Gode & Sunder's rule).
    id_prefix
        Prefix of the order ids.

    Returns
    -------
    CdaSessionResult
    """
    if not isinstance(n_shouts, int | np.integer) or n_shouts < 0:
        raise BiddingInputError(f"n_shouts = {n_shouts!r}; an integer >= 0 is required")
    book = ContinuousBook(price_floor=market.price_floor, price_cap=market.price_cap)
    buy_qty = state.buy_qty.copy()
    sell_qty = state.sell_qty.copy()
    owner: dict[str, tuple[int, int, int, float]] = {}
    resting: dict[tuple[int, int], str] = {}
    trades: list[Trade] = []
    view = market
    for n in range(n_shouts):
        buyers = np.flatnonzero((buy_qty > 0).any(axis=1))
        sellers = np.flatnonzero((sell_qty > 0).any(axis=1))
        candidates = np.concatenate([buyers * 2, sellers * 2 + 1])
        if candidates.size == 0:
            break
        pick = int(candidates[rng.integers(candidates.size)])
        firm, side = pick // 2, BUY if pick % 2 == 0 else SELL
        current = state.with_quantities(buy_qty, sell_qty)
        quotes = strategy.orders(current, view, rng)
        mine = np.flatnonzero((quotes.firm == firm) & (quotes.side == side))
        if mine.size == 0:
            continue
        row = int(mine[np.argmin(quotes.step[mine])])
        step = int(quotes.step[row])
        if (firm, side) in resting:
            book = cancel(book, resting.pop((firm, side)))
        order_id = f"{id_prefix}{n}"
        owner[order_id] = (firm, side, step, float(quotes.limit_price[row]))
        book, new_trades = submit(
            book,
            Order(
                id=order_id,
                agent=f"firm{firm}",
                side=Side.BUY if side == BUY else Side.SELL,
                quantity=float(quotes.quantity[row]),
                price=float(quotes.price[row]),
            ),
        )
        for trade in new_trades:
            b_firm, _, b_step, _ = owner[trade.buy_id]
            s_firm, _, s_step, _ = owner[trade.sell_id]
            buy_qty[b_firm, b_step] = max(buy_qty[b_firm, b_step] - trade.quantity, 0.0)
            sell_qty[s_firm, s_step] = max(sell_qty[s_firm, s_step] - trade.quantity, 0.0)
        trades.extend(new_trades)
        still_resting = book.resting_ids
        resting = {key: oid for key, oid in resting.items() if oid in still_resting}
        if new_trades and clear_book_after_trade:
            book = cancel_all(book)
            resting = {}
        elif order_id in still_resting:
            resting[(firm, side)] = order_id
        last_price = new_trades[-1].price if new_trades else view.last_price
        best_bid = book.best_bid if book.best_bid is not None else math.nan
        best_ask = book.best_ask if book.best_ask is not None else math.nan
        view = MarketView(
            price_floor=market.price_floor,
            price_cap=market.price_cap,
            last_price=last_price,
            best_bid=best_bid,
            best_ask=best_ask,
            period=market.period,
        )
        strategy.observe(
            MarketOutcome(
                fills=_fills(new_trades, owner),
                price=new_trades[-1].price if new_trades else math.nan,
                shout_side=side,
                shout_price=float(quotes.price[row]),
                shout_accepted=bool(new_trades),
                best_bid=best_bid,
                best_ask=best_ask,
            )
        )
    buyer = [owner[t.buy_id] for t in trades]
    seller = [owner[t.sell_id] for t in trades]
    return CdaSessionResult(
        trades=tuple(trades),
        buyer_firm=np.array([b[0] for b in buyer], dtype=np.int64),
        seller_firm=np.array([s[0] for s in seller], dtype=np.int64),
        buyer_limit=np.array([b[3] for b in buyer], dtype=np.float64),
        seller_limit=np.array([s[3] for s in seller], dtype=np.float64),
        state=state.with_quantities(buy_qty, sell_qty),
        book=book,
    )
