"""Textbook equilibrium of an energy-use-rights market with linear marginal abatement costs.

Four firms with MAC_i(q) = a_i q, a = (2, 4, 5, 10) CNY/tce per tce, baseline use
E = (1000, 800, 600, 400) tce and a cap of sum(E) - 300 tce allocated in proportion to E. The
required abatement R = 300 tce is met at least cost where marginal costs are equal:
p* = R / sum(1/a_i) = 300 / 1.05 = 285.714 CNY/tce and q_i = p*/a_i = (142.9, 71.4, 57.1, 28.6).
Truthful bidders (steps of 0.5 tce, so step heights a_i * 0.5 <= 5 CNY/tce) in a uniform-price call
auction must reach that price and split within the step discretisation.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.abatement import least_cost_abatement, linear_mac_least_cost, linear_mac_options
from agents.bidding import (
    MarketView,
    fills_from_clearing,
    fills_from_uniform,
    make_bidding_strategy,
    rights_bidder_state,
    to_orders,
    to_uniform_arrays,
)
from clearing import MarketSpec, clear, clear_uniform_arrays

SLOPES = np.array([2.0, 4.0, 5.0, 10.0])
BASELINE_TCE = np.array([1000.0, 800.0, 600.0, 400.0])
REQUIRED_TCE = 300.0
N_STEPS = 400
MAX_ABATEMENT_TCE = 200.0
STEP_TCE = MAX_ABATEMENT_TCE / N_STEPS
PENALTY = 3000.0
VIEW = MarketView(price_floor=0.0, price_cap=5000.0)


def _market():
    cap = BASELINE_TCE.sum() - REQUIRED_TCE
    position = BASELINE_TCE * cap / BASELINE_TCE.sum() - BASELINE_TCE
    options = linear_mac_options(SLOPES, MAX_ABATEMENT_TCE, N_STEPS)
    state = rights_bidder_state(position, options, PENALTY)
    orders = make_bidding_strategy("truthful").orders(state, VIEW, np.random.default_rng(0))
    return position, options, orders


def _abatement(position, fills):
    net_bought = np.bincount(
        fills.firm, np.where(fills.is_buy, fills.quantity, -fills.quantity), minlength=len(SLOPES)
    )
    return -position - net_bought


def test_known_textbook_answer():
    price, split = linear_mac_least_cost(SLOPES, REQUIRED_TCE)
    assert price == pytest.approx(285.714285, rel=1e-6)
    np.testing.assert_allclose(split, [142.857, 71.429, 57.143, 28.571], atol=1e-3)


def test_truthful_call_auction_reaches_textbook_price_fast_path():
    price, split = linear_mac_least_cost(SLOPES, REQUIRED_TCE)
    position, _, orders = _market()
    book = to_uniform_arrays(orders)
    result = clear_uniform_arrays(
        book.buy_qty,
        book.buy_price,
        book.sell_qty,
        book.sell_price,
        price_floor=VIEW.price_floor,
        price_cap=VIEW.price_cap,
    )
    step_height = float(SLOPES.max() * STEP_TCE)
    assert result.price == pytest.approx(price, abs=step_height)
    fills = fills_from_uniform(orders, result.price, result.buy_accepted, result.sell_accepted)
    abatement = _abatement(position, fills)
    assert abatement.sum() == pytest.approx(REQUIRED_TCE)
    np.testing.assert_allclose(abatement, split, atol=STEP_TCE + 1e-9)


def test_truthful_call_auction_reaches_textbook_price_order_api():
    price, split = linear_mac_least_cost(SLOPES, REQUIRED_TCE)
    position, _, orders = _market()
    result = clear(
        to_orders(orders, period=0, zone="default", product="default", prefix="r"),
        MarketSpec(price_floor=VIEW.price_floor, price_cap=VIEW.price_cap),
    )
    assert result.price == pytest.approx(price, abs=float(SLOPES.max() * STEP_TCE))
    fills = fills_from_clearing(orders, result.accepted, result.payments, "r")
    np.testing.assert_allclose(_abatement(position, fills), split, atol=STEP_TCE + 1e-9)


def test_market_outcome_is_the_least_cost_split():
    # The market's abatement split equals the planner's least-cost split on the same steps.
    _, options, _ = _market()
    planner = least_cost_abatement(REQUIRED_TCE, options)
    price, split = linear_mac_least_cost(SLOPES, REQUIRED_TCE)
    np.testing.assert_allclose(planner.abatement_tce, split, atol=STEP_TCE + 1e-9)
    assert planner.marginal_cost_cny_per_tce == pytest.approx(price, abs=SLOPES.max() * STEP_TCE)
    # Total cost is the area under the linear MACs, sum(a_i q_i^2 / 2), up to the steps.
    exact_cost = float((SLOPES * split**2 / 2).sum())
    assert planner.total_cost_cny == pytest.approx(exact_cost, rel=1e-3)
