"""Bidder schedules from MAC curves, market view and validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.abatement import abatement_at_price, abatement_options
from agents.bidding import (
    BidderState,
    BiddingInputError,
    MarketOutcome,
    MarketView,
    bidder_state,
    competitive_equilibrium,
    rights_bidder_state,
)


@pytest.fixture
def one_firm():
    """20 tce at 50 CNY/tce, then 10 tce at 100 CNY/tce."""
    return abatement_options([[20.0, 10.0]], [[50.0, 100.0]])


def steps(qty, price):
    used = qty > 0
    return list(zip(qty[used].tolist(), price[used].tolist(), strict=True))


def test_short_firm_buys_the_abatement_it_avoids(one_firm):
    state = rights_bidder_state([-25.0], one_firm, 250.0)
    assert steps(state.buy_qty[0], state.buy_value[0]) == [(5.0, 100.0), (20.0, 50.0)]
    # The abatement beyond its shortfall is offered at cost.
    assert steps(state.sell_qty[0], state.sell_cost[0]) == [(5.0, 100.0)]


def test_shortfall_beyond_capacity_is_valued_at_the_penalty(one_firm):
    state = rights_bidder_state([-40.0], one_firm, 250.0)
    assert steps(state.buy_qty[0], state.buy_value[0]) == [
        (10.0, 250.0),
        (10.0, 100.0),
        (20.0, 50.0),
    ]
    assert steps(state.sell_qty[0], state.sell_cost[0]) == []


def test_penalty_caps_the_value_of_dear_abatement(one_firm):
    state = rights_bidder_state([-30.0], one_firm, 80.0)
    assert steps(state.buy_qty[0], state.buy_value[0]) == [(10.0, 80.0), (20.0, 50.0)]


def test_long_firm_sells_surplus_then_abatement(one_firm):
    state = rights_bidder_state([10.0], one_firm, 250.0, surplus_value_cny_per_tce=20.0)
    assert steps(state.buy_qty[0], state.buy_value[0]) == []
    assert steps(state.sell_qty[0], state.sell_cost[0]) == [
        (10.0, 20.0),
        (20.0, 50.0),
        (10.0, 100.0),
    ]


def test_bank_demand_is_one_more_buy_step_at_the_keep_value(one_firm):
    state = rights_bidder_state(
        [-15.0], one_firm, 250.0, surplus_value_cny_per_tce=70.0, bank_demand_tce=[5.0]
    )
    assert steps(state.buy_qty[0], state.buy_value[0]) == [(5.0, 70.0), (15.0, 50.0)]
    with pytest.raises(BiddingInputError, match="bank_demand_tce"):
        rights_bidder_state([0.0], one_firm, 250.0, bank_demand_tce=[-1.0])


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda n: st.tuples(
            arrays(np.float64, (n, 3), elements=st.integers(0, 50).map(float)),
            arrays(np.float64, (n, 3), elements=st.integers(0, 300).map(float)),
            arrays(np.float64, (n,), elements=st.integers(-200, 100).map(float)),
        )
    ),
    st.integers(0, 340),
)
def test_net_demand_equals_shortfall_minus_abatement(data, price_int):
    cap, cost, position = data
    options = abatement_options(cap, cost)
    penalty = 350.0
    price = price_int + 0.5  # never equal to a step price, always below the penalty
    state = rights_bidder_state(position, options, penalty)
    bought = np.where(state.buy_value > price, state.buy_qty, 0.0).sum(axis=1)
    sold = np.where(state.sell_cost < price, state.sell_qty, 0.0).sum(axis=1)
    # Net demand at a price is the shortfall minus the abatement worth doing at that price
    # (a surplus counts as a negative shortfall and is sold at any positive price).
    expected = -position - abatement_at_price(price, options)
    np.testing.assert_allclose(bought - sold, expected, atol=1e-9)


def test_bidder_state_rejects_bad_input():
    with pytest.raises(BiddingInputError, match="buy_qty"):
        BidderState(np.array([[-1.0]]), np.array([[1.0]]), np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(BiddingInputError, match="nan"):
        BidderState(np.array([[1.0]]), np.array([[np.nan]]), np.zeros((1, 1)), np.zeros((1, 1)))
    with pytest.raises(BiddingInputError, match="firms"):
        BidderState(np.ones((2, 1)), np.ones((2, 1)), np.zeros((1, 1)), np.zeros((1, 1)))


def test_bidder_state_sorts_best_first():
    state = bidder_state([[1.0, 2.0, 0.0]], [[10.0, 30.0, 99.0]], [[1.0, 1.0]], [[20.0, 5.0]])
    np.testing.assert_array_equal(state.buy_value[0, :2], [30.0, 10.0])
    np.testing.assert_array_equal(state.buy_qty[0], [2.0, 1.0, 0.0])
    np.testing.assert_array_equal(state.sell_cost[0], [5.0, 20.0])


def test_market_view_and_outcome_validation():
    with pytest.raises(BiddingInputError, match="price_floor"):
        MarketView(price_floor=10.0, price_cap=1.0)
    with pytest.raises(BiddingInputError, match="shout_side"):
        MarketOutcome(shout_side=2)


def test_competitive_equilibrium_hand_example():
    # Demand 3@10, 2@6; supply 2@4, 2@8: 2 units trade (10 > 4), the third unit at 10 meets 8.
    state = bidder_state([[3.0], [2.0]], [[10.0], [6.0]], [[2.0], [2.0]], [[4.0], [8.0]])
    eq = competitive_equilibrium(state)
    assert eq.volume == 3.0
    assert eq.surplus == pytest.approx(2 * (10 - 4) + 1 * (10 - 8))
    # Buyer at 10 is satisfied, seller at 8 is rationed: the price is 8 exactly.
    assert (eq.price_low, eq.price_high) == (8.0, 8.0)
