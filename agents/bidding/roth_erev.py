"""Roth–Erev reinforcement learning over a discrete set of mark-ups, vectorised over firms.

Each firm keeps, per side, a propensity ``q_j`` for every mark-up ``m_j`` in the action set. Before
each clearing it picks one mark-up per side with probability ``q_j / Σ q`` and applies it to all
its steps of that side: sellers ask ``λ + m·b``, buyers bid ``λ − m·b`` (``λ`` the limit price
clipped to the market range, ``b = max(|λ|, zero_limit_base)``). After the clearing the chosen
action is reinforced by the profit ``x`` it earned (Erev & Roth 1998 form with recency ``φ`` and
experimentation ``ε``)::

    q_j ← (1 − φ) q_j + x (1 − ε)          for the chosen action j = k
    q_j ← (1 − φ) q_j + x ε / (N − 1)      for the others

Propensities are kept at or above ``1e-9 × initial_propensity`` so probabilities stay defined.
The strategy is meant for repeated call auctions: it chooses once per call to ``orders`` and
learns from the fills of each outcome.

Roth, A. E. and Erev, I. (1995). Learning in extensive-form games. Games and Economic Behavior
8, 164-212. Erev, I. and Roth, A. E. (1998). Predicting how people play games. American Economic
Review 88(4), 848-881.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from agents.bidding.errors import BiddingInputError, StrategyParameterError
from agents.bidding.limits import assemble_orders, limits, margin_base
from agents.bidding.orders import OrderArrays
from agents.bidding.params import check_range
from agents.bidding.state import BidderState, MarketOutcome, MarketView

__all__ = ["RothErevStrategy", "choice_probabilities", "roth_erev_update"]

DEFAULT_MARKUPS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(11))
"""Mark-ups 0, 0.05, ..., 0.5 of the limit price."""


def choice_probabilities(propensity: npt.ArrayLike) -> NDArray[np.float64]:
    """Choice probabilities proportional to propensities, row by row.

    Parameters
    ----------
    propensity : array_like, shape (F, N)
        Positive propensities.

    Returns
    -------
    NDArray[np.float64]
        Shape ``(F, N)``; each row sums to 1.
    """
    q = np.asarray(propensity, dtype=np.float64)
    return np.asarray(q / q.sum(axis=-1, keepdims=True))


def roth_erev_update(
    propensity: npt.ArrayLike,
    choice: npt.ArrayLike,
    reward: npt.ArrayLike,
    recency: float,
    experimentation: float,
) -> NDArray[np.float64]:
    """One Roth–Erev propensity update for every firm.

    Parameters
    ----------
    propensity : array_like, shape (F, N)
        Current propensities.
    choice : array_like of int, shape (F,)
        Action each firm took.
    reward : array_like, shape (F,)
        Profit each firm earned with it, ``>= 0`` [money].
    recency : float
        Forgetting parameter ``φ`` in [0, 1].
    experimentation : float
        Experimentation parameter ``ε`` in [0, 1].

    Returns
    -------
    NDArray[np.float64]
        New propensities, shape ``(F, N)``.
    """
    q = np.asarray(propensity, dtype=np.float64)
    k = np.asarray(choice, dtype=np.int64)
    x = np.asarray(reward, dtype=np.float64)
    n_actions = q.shape[1]
    chosen = np.arange(n_actions)[None, :] == k[:, None]
    spill = experimentation / (n_actions - 1) if n_actions > 1 else 0.0
    share = np.where(chosen, 1.0 - experimentation if n_actions > 1 else 1.0, spill)
    return np.asarray((1.0 - recency) * q + x[:, None] * share)


def _sample(probabilities: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.int64]:
    u = np.asarray(rng.random(probabilities.shape[0]), dtype=np.float64)
    cum = np.cumsum(probabilities, axis=1)
    index = (cum < u[:, None]).sum(axis=1)
    return np.minimum(index, probabilities.shape[1] - 1).astype(np.int64)


class RothErevStrategy:
    """Roth–Erev learners choosing a mark-up (sellers) or mark-down (buyers) each round.

    Parameters
    ----------
    markups
        Action set: non-negative fractions of the limit price; default 0, 0.05, ..., 0.5.
    recency
        Forgetting ``φ`` in [0, 1]; default 0.1 (Erev & Roth 1998).
    experimentation
        Experimentation ``ε`` in [0, 1); default 0.2 (Erev & Roth 1998).
    initial_propensity
        Starting propensity of every action, > 0, on the scale of a round's profit [money].
    zero_limit_base
        Base of the mark-up for units whose limit price is near zero [money per unit].
    """

    name: ClassVar[str] = "roth_erev"

    def __init__(
        self,
        markups: Sequence[float] = DEFAULT_MARKUPS,
        recency: float = 0.1,
        experimentation: float = 0.2,
        initial_propensity: float = 1.0,
        zero_limit_base: float = 1.0,
    ) -> None:
        values = [check_range("roth_erev", "markups", m, 0.0, math.inf) for m in markups]
        if not values:
            raise StrategyParameterError(
                "roth_erev: parameter 'markups' = []; at least one mark-up is required"
            )
        self.markups = np.array(values)
        self.recency = check_range("roth_erev", "recency", recency, 0.0, 1.0)
        self.experimentation = check_range(
            "roth_erev", "experimentation", experimentation, 0.0, 1.0, high_open=True
        )
        self.initial_propensity = check_range(
            "roth_erev", "initial_propensity", initial_propensity, 0.0, math.inf, low_open=True
        )
        self.zero_limit_base = check_range(
            "roth_erev", "zero_limit_base", zero_limit_base, 0.0, math.inf, low_open=True
        )
        self._buy_propensity: NDArray[np.float64] | None = None
        self._sell_propensity = np.zeros((0, self.markups.size))
        self._buy_choice = np.zeros(0, dtype=np.int64)
        self._sell_choice = np.zeros(0, dtype=np.int64)

    @property
    def buy_propensity(self) -> NDArray[np.float64]:
        """Buyer propensities, shape ``(F, N)`` (copy; empty before the first round)."""
        if self._buy_propensity is None:
            return np.zeros((0, self.markups.size))
        return self._buy_propensity.copy()

    @property
    def sell_propensity(self) -> NDArray[np.float64]:
        """Seller propensities, shape ``(F, N)`` (copy; empty before the first round)."""
        return self._sell_propensity.copy()

    def _initialise(self, n_firms: int) -> None:
        if self._buy_propensity is not None:
            if self._buy_propensity.shape[0] != n_firms:
                raise BiddingInputError(
                    f"roth_erev: state has {n_firms} firms but the strategy learned for "
                    f"{self._buy_propensity.shape[0]}; use one strategy object per population"
                )
            return
        shape = (n_firms, self.markups.size)
        self._buy_propensity = np.full(shape, self.initial_propensity)
        self._sell_propensity = np.full(shape, self.initial_propensity)

    def orders(
        self, state: BidderState, market: MarketView, rng: np.random.Generator
    ) -> OrderArrays:
        """Draw one mark-up per firm and side, and bid every step with it."""
        self._initialise(state.n_firms)
        assert self._buy_propensity is not None
        self._buy_choice = _sample(choice_probabilities(self._buy_propensity), rng)
        self._sell_choice = _sample(choice_probabilities(self._sell_propensity), rng)
        lim = limits(state, market)
        buy_markup = self.markups[self._buy_choice][:, None]
        sell_markup = self.markups[self._sell_choice][:, None]
        buy_price = lim.buy - buy_markup * margin_base(lim.buy, self.zero_limit_base)
        sell_price = lim.sell + sell_markup * margin_base(lim.sell, self.zero_limit_base)
        return assemble_orders(state, lim, buy_price, sell_price, market)

    def observe(self, outcome: MarketOutcome) -> None:
        """Reinforce each firm's chosen actions by the profit of its fills."""
        if self._buy_propensity is None:
            return
        fills = outcome.fills
        n = self._buy_propensity.shape[0]
        profit = np.maximum(fills.surplus_cny(), 0.0)
        buy_reward = np.bincount(fills.firm[fills.is_buy], profit[fills.is_buy], minlength=n)
        sell_reward = np.bincount(fills.firm[~fills.is_buy], profit[~fills.is_buy], minlength=n)
        floor = 1e-9 * self.initial_propensity
        self._buy_propensity = np.maximum(
            roth_erev_update(
                self._buy_propensity,
                self._buy_choice,
                buy_reward[:n],
                self.recency,
                self.experimentation,
            ),
            floor,
        )
        self._sell_propensity = np.maximum(
            roth_erev_update(
                self._sell_propensity,
                self._sell_choice,
                sell_reward[:n],
                self.recency,
                self.experimentation,
            ),
            floor,
        )
