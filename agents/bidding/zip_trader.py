"""Zero-intelligence-plus (ZIP) traders of Cliff (1997), vectorised over firms.

Each unit (a step of a firm's schedule) keeps its own profit margin, as each ZIP trader in Cliff's
markets holds one unit; learning rate ``β`` and momentum ``γ`` belong to the firm. A seller asks
``λ + μ·b`` and a buyer bids ``λ − μ·b`` for a unit with limit price ``λ`` (value or cost clipped
to the market range), with ``b = max(|λ|, zero_limit_base)``; for positive limits this is Cliff's
``λ(1 ± μ)``.
After every event the margins move toward a target price ``τ = R·q + A`` derived from the last
trade or shout price ``q`` (``R``, ``A`` drawn per unit: above ``q`` to raise the price, below
to lower it), by the Widrow–Hoff rule with momentum::

    Δ = β (τ − p),   Γ ← γ Γ + (1 − γ) Δ,   p' = p + Γ,   μ' from p'

where ``p`` is the trader's current quote (in a continuous double auction, the price of its first
unit still to trade). Which traders adjust follows Cliff's rules for a continuous double auction:

* trade at ``q``: sellers with ``p ≤ q`` and buyers with ``p ≥ q`` raise their margins; if the
  shout was a bid, active sellers with ``p ≥ q`` lower theirs; if it was an offer, active buyers
  with ``p ≤ q`` lower theirs;
* shout not accepted: after an offer, active sellers with ``p ≥ q`` lower their margins; after a
  bid, active buyers with ``p ≤ q`` lower theirs.

In a uniform-price call auction (no shout side) every unit bid is a quote and the clearing price
``q`` plays the trade. Every seller's quote moves toward a target just below ``q`` and every
buyer's toward a target just above it: accepted units widen their margins up to about ``q``, and
rejected ones narrow them. (Cliff's targets beyond ``q`` for accepted traders would open a gap
between the accepted asks and bids of a uniform-price auction and stop trade.) Without trade,
sellers move toward the best bid and buyers toward the best ask.

Cliff, D. (1997). Minimal-intelligence agents for bargaining behaviours in market-based
environments. HP Laboratories Technical Report HPL-97-91.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from agents.bidding.errors import BiddingInputError, StrategyParameterError
from agents.bidding.limits import assemble_orders, first_step, limits, margin_base
from agents.bidding.orders import BUY, SELL, OrderArrays
from agents.bidding.params import check_range
from agents.bidding.state import BidderState, MarketOutcome, MarketView

__all__ = ["ZipStrategy"]


def _range(name: str, bounds: tuple[float, float], low: float, high: float) -> tuple[float, float]:
    if len(bounds) != 2:
        raise StrategyParameterError(f"zip: parameter {name!r} = {bounds!r}; a pair is required")
    lo = check_range("zip", name, bounds[0], low, high)
    hi = check_range("zip", name, bounds[1], low, high)
    if lo > hi:
        raise StrategyParameterError(
            f"zip: parameter {name!r} = {bounds!r}; the lower bound must not exceed the upper"
        )
    return lo, hi


class _Side:
    """Learning state of one side: per-unit margins and momentum, last quotes."""

    def __init__(self, margin: NDArray[np.float64]) -> None:
        self.margin = margin
        self.momentum = np.zeros_like(margin)
        self.quote = np.full_like(margin, np.nan)
        self.limit = np.full_like(margin, np.nan)
        self.base = np.ones_like(margin)
        self.bid = np.zeros(margin.shape, dtype=bool)
        self.first = np.zeros(margin.shape, dtype=bool)


class ZipStrategy:
    """ZIP traders (Cliff 1997) for a population of firms.

    Parameters
    ----------
    beta_range
        Learning rate β per firm ~ U(range); Cliff: (0.1, 0.5).
    gamma_range
        Momentum γ per firm ~ U(range); Cliff: (0.0, 0.1).
    margin_range
        Initial margin μ per unit ~ U(range); Cliff: (0.05, 0.35).
    c_r
        Relative perturbation of the target price; Cliff: 0.05.
    c_a
        Absolute perturbation of the target price [money per unit]; Cliff: 0.05.
    zero_limit_base
        Base of the margin for units whose limit price is near zero [money per unit].
    """

    name: ClassVar[str] = "zip"

    def __init__(
        self,
        beta_range: tuple[float, float] = (0.1, 0.5),
        gamma_range: tuple[float, float] = (0.0, 0.1),
        margin_range: tuple[float, float] = (0.05, 0.35),
        c_r: float = 0.05,
        c_a: float = 0.05,
        zero_limit_base: float = 1.0,
    ) -> None:
        self.beta_range = _range("beta_range", beta_range, 0.0, 1.0)
        self.gamma_range = _range("gamma_range", gamma_range, 0.0, 1.0)
        self.margin_range = _range("margin_range", margin_range, 0.0, math.inf)
        self.c_r = check_range("zip", "c_r", c_r, 0.0, 1.0)
        self.c_a = check_range("zip", "c_a", c_a, 0.0, math.inf)
        self.zero_limit_base = check_range(
            "zip", "zero_limit_base", zero_limit_base, 0.0, math.inf, low_open=True
        )
        self._rng: np.random.Generator | None = None
        self._beta = np.zeros((0, 1))
        self._gamma = np.zeros((0, 1))
        self._buy = _Side(np.zeros((0, 0)))
        self._sell = _Side(np.zeros((0, 0)))

    @property
    def buy_margin(self) -> NDArray[np.float64]:
        """Current margins of the buy steps, shape ``(F, Sb)`` (copy)."""
        return self._buy.margin.copy()

    @property
    def sell_margin(self) -> NDArray[np.float64]:
        """Current margins of the sell steps, shape ``(F, Ss)`` (copy)."""
        return self._sell.margin.copy()

    def _initialise(self, state: BidderState, rng: np.random.Generator) -> None:
        shapes = (state.buy_qty.shape, state.sell_qty.shape)
        if self._rng is not None:
            if shapes != (self._buy.margin.shape, self._sell.margin.shape):
                raise BiddingInputError(
                    f"zip: state schedules have shapes {shapes} but the strategy learned for "
                    f"{(self._buy.margin.shape, self._sell.margin.shape)}; use one strategy "
                    "object per population"
                )
            return
        n = state.n_firms
        self._beta = rng.uniform(*self.beta_range, size=(n, 1))
        self._gamma = rng.uniform(*self.gamma_range, size=(n, 1))
        self._buy = _Side(rng.uniform(*self.margin_range, size=shapes[0]))
        self._sell = _Side(rng.uniform(*self.margin_range, size=shapes[1]))

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """Quotes at the current margins; remembers them for the next update."""
        self._initialise(state, rng)
        self._rng = rng
        lim = limits(state, market)
        lo, hi = market.price_floor, market.price_cap
        prices = []
        for side, ok, limit, sign in (
            (self._buy, lim.buy_ok, lim.buy, -1.0),
            (self._sell, lim.sell_ok, lim.sell, 1.0),
        ):
            side.base = margin_base(limit, self.zero_limit_base)
            side.limit = limit
            side.quote = np.clip(limit + sign * side.margin * side.base, lo, hi)
            side.bid = ok
            step, has = first_step(ok)
            side.first = (np.arange(ok.shape[1])[None, :] == step[:, None]) & has[:, None]
            prices.append(side.quote)
        return assemble_orders(state, lim, prices[0], prices[1], market)

    def _target(self, q: float, up: bool, shape: tuple[int, ...]) -> NDArray[np.float64]:
        assert self._rng is not None
        if up:
            r = self._rng.uniform(1.0, 1.0 + self.c_r, size=shape)
            a = self._rng.uniform(0.0, self.c_a, size=shape)
        else:
            r = self._rng.uniform(1.0 - self.c_r, 1.0, size=shape)
            a = self._rng.uniform(-self.c_a, 0.0, size=shape)
        return np.asarray(r * q + a)

    def _move(
        self, side: _Side, is_buyer: bool, mask: NDArray[np.bool_], q: float, up: bool
    ) -> None:
        """Move the quotes of ``mask`` units toward a target above (``up``) or below ``q``."""
        if not mask.any() or not math.isfinite(q):
            return
        target = self._target(q, up, mask.shape)
        delta = self._beta * (target - side.quote)
        momentum = self._gamma * side.momentum + (1.0 - self._gamma) * delta
        new_price = side.quote + momentum
        sign = -1.0 if is_buyer else 1.0
        margin = np.maximum(sign * (new_price - side.limit) / side.base, 0.0)
        side.margin = np.where(mask, margin, side.margin)
        side.momentum = np.where(mask, momentum, side.momentum)
        side.quote = np.where(mask, side.limit + sign * margin * side.base, side.quote)

    def observe(self, outcome: MarketOutcome) -> None:
        """Update margins after a shout (CDA) or a clearing (call auction)."""
        if self._rng is None:
            return
        buy, sell = self._buy, self._sell
        # (side, is_buyer, mask, reference price, move price up)
        moves: list[tuple[_Side, bool, NDArray[np.bool_], float, bool]] = []
        q = outcome.price
        traded = math.isfinite(q)
        if outcome.is_call_auction:
            if traded:
                moves += [
                    (sell, False, sell.bid, q, False),
                    (buy, True, buy.bid, q, True),
                ]
            else:
                bid, ask = outcome.best_bid, outcome.best_ask
                moves += [
                    (sell, False, sell.bid & (sell.quote > bid), bid, False),
                    (buy, True, buy.bid & (buy.quote < ask), ask, True),
                ]
        elif outcome.shout_accepted and traded:
            # Raising a seller's margin raises its price; raising a buyer's margin lowers it.
            raise_sell = sell.first & (sell.quote <= q)
            raise_buy = buy.first & (buy.quote >= q)
            moves += [(sell, False, raise_sell, q, True), (buy, True, raise_buy, q, False)]
            if outcome.shout_side == BUY:
                moves.append((sell, False, sell.first & (sell.quote >= q) & ~raise_sell, q, False))
            else:
                moves.append((buy, True, buy.first & (buy.quote <= q) & ~raise_buy, q, True))
        else:
            q = outcome.shout_price
            if outcome.shout_side == SELL:
                moves.append((sell, False, sell.first & (sell.quote >= q), q, False))
            elif outcome.shout_side == BUY:
                moves.append((buy, True, buy.first & (buy.quote <= q), q, True))
        for side, is_buyer, mask, price, up in moves:
            self._move(side, is_buyer, mask, price, up)
