"""Roth–Erev and ZIP learning rules on hand examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.bidding import (
    BUY,
    MarketOutcome,
    MarketView,
    RothErevStrategy,
    ZipStrategy,
    bidder_state,
    choice_probabilities,
    roth_erev_update,
)

VIEW = MarketView(price_floor=0.0, price_cap=500.0)


def test_roth_erev_update_hand_example():
    # Three actions with propensity 1, action 0 chosen, reward 3, recency 0.1, experimentation 0.2:
    # q0 = 0.9 * 1 + 3 * 0.8 = 3.3; q1 = q2 = 0.9 * 1 + 3 * 0.2 / 2 = 1.2.
    q = roth_erev_update([[1.0, 1.0, 1.0]], [0], [3.0], recency=0.1, experimentation=0.2)
    np.testing.assert_allclose(q, [[3.3, 1.2, 1.2]])
    np.testing.assert_allclose(choice_probabilities(q), [[3.3 / 5.7, 1.2 / 5.7, 1.2 / 5.7]])


def test_roth_erev_zero_reward_only_forgets():
    q = roth_erev_update([[2.0, 4.0]], [1], [0.0], recency=0.5, experimentation=0.1)
    np.testing.assert_allclose(q, [[1.0, 2.0]])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (4, 5), elements=st.floats(1e-3, 1e3)),
    arrays(np.int64, (4,), elements=st.integers(0, 4)),
    arrays(np.float64, (4,), elements=st.floats(0.0, 1e3)),
    st.floats(0.0, 1.0),
    st.floats(0.0, 0.99),
)
def test_roth_erev_probabilities_sum_to_one(q, choice, reward, recency, experimentation):
    new = roth_erev_update(q, choice, reward, recency, experimentation)
    probabilities = choice_probabilities(np.maximum(new, 1e-12))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert (probabilities >= 0).all()


def test_roth_erev_strategy_reinforces_the_profitable_markup():
    state = bidder_state([[0.0]], [[0.0]], [[1.0]], [[100.0]])
    strategy = RothErevStrategy(markups=[0.0, 0.5], recency=0.0, experimentation=0.0)
    # With this seed the seller draws the 0.5 mark-up and asks 150 for a unit costing 100.
    orders = strategy.orders(state, VIEW, np.random.default_rng(1))
    assert orders.price[0] == pytest.approx(150.0)
    strategy.observe(MarketOutcome(fills=orders, price=150.0))
    # Profit 50 is added to the chosen action only (no forgetting, no experimentation).
    np.testing.assert_allclose(strategy.sell_propensity[0], [1.0, 51.0])
    np.testing.assert_allclose(choice_probabilities(strategy.sell_propensity), [[1 / 52, 51 / 52]])
    # The buy side had no orders and no reward: unchanged.
    np.testing.assert_allclose(strategy.buy_propensity[0], [1.0, 1.0])


def test_roth_erev_is_deterministic_given_a_seed():
    state = bidder_state([[1.0, 1.0]], [[200.0, 150.0]], [[1.0]], [[50.0]])

    def run(seed: int) -> np.ndarray:
        strategy = RothErevStrategy(initial_propensity=5.0)
        rng = np.random.default_rng(seed)
        for _ in range(20):
            orders = strategy.orders(state, VIEW, rng)
            strategy.observe(MarketOutcome(fills=orders, price=100.0))
        return np.concatenate([strategy.buy_propensity, strategy.sell_propensity])

    np.testing.assert_array_equal(run(11), run(11))
    assert not np.array_equal(run(11), run(12))


def test_zip_prices_stay_within_limits_and_margins_start_in_range():
    state = bidder_state([[1.0]], [[120.0]], [[1.0]], [[80.0]])
    strategy = ZipStrategy()
    orders = strategy.orders(state, VIEW, np.random.default_rng(0))
    assert ((strategy.buy_margin >= 0.05) & (strategy.buy_margin <= 0.35)).all()
    buy = orders.is_buy
    np.testing.assert_allclose(orders.price[buy], 120.0 * (1 - strategy.buy_margin[0]))
    np.testing.assert_allclose(orders.price[~buy], 80.0 * (1 + strategy.sell_margin[0]))


def test_zip_call_auction_update_moves_quotes_toward_the_price():
    # In a call auction every quote moves toward the clearing price: the accepted seller (quote
    # below the price) raises its margin, the rejected buyer (quote below the price) lowers its
    # margin to bid higher.
    state = bidder_state([[1.0], [0.0]], [[120.0], [0.0]], [[0.0], [1.0]], [[0.0], [80.0]])
    strategy = ZipStrategy(beta_range=(0.5, 0.5), gamma_range=(0.0, 0.0), c_r=0.0, c_a=0.0)
    strategy.orders(state, VIEW, np.random.default_rng(0))
    buy_before, sell_before = strategy.buy_margin[0, 0], strategy.sell_margin[1, 0]
    buy_quote = 120.0 * (1 - buy_before)
    sell_quote = 80.0 * (1 + sell_before)
    price = 115.0
    assert buy_quote < price and sell_quote < price
    strategy.observe(MarketOutcome(price=price))
    # Widrow-Hoff with beta = 0.5 and no momentum: the quote moves half way to the target.
    assert 120.0 * (1 - strategy.buy_margin[0, 0]) == pytest.approx((buy_quote + price) / 2)
    assert 80.0 * (1 + strategy.sell_margin[1, 0]) == pytest.approx((sell_quote + price) / 2)


def test_zip_unaccepted_bid_makes_low_buyers_raise_their_bids():
    state = bidder_state([[1.0], [1.0]], [[120.0], [100.0]], [[0.0], [0.0]], [[0.0], [0.0]])
    strategy = ZipStrategy(
        margin_range=(0.3, 0.3), beta_range=(1.0, 1.0), gamma_range=(0.0, 0.0), c_r=0.0, c_a=0.0
    )
    strategy.orders(state, VIEW, np.random.default_rng(0))
    # Quotes 84 and 70; a bid at 80 did not trade: the buyer at 70 lowers its margin to bid 80,
    # the buyer at 84 (above the shout) keeps its margin.
    strategy.observe(MarketOutcome(shout_side=BUY, shout_price=80.0, shout_accepted=False))
    assert strategy.buy_margin[0, 0] == pytest.approx(0.3)
    assert 100.0 * (1 - strategy.buy_margin[1, 0]) == pytest.approx(80.0)
