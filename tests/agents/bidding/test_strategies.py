"""Registry, simple strategies and conversion to the clearing engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.bidding import (
    BUY,
    SELL,
    STRATEGY_REGISTRY,
    BiddingStrategy,
    MarketOutcome,
    MarketView,
    OrderArrays,
    StrategyParameterError,
    UnknownStrategyError,
    bidder_state,
    fills_from_clearing,
    fills_from_uniform,
    make_bidding_strategy,
    to_orders,
    to_uniform_arrays,
)
from clearing import MarketSpec, Side, clear, clear_uniform_arrays

VIEW = MarketView(price_floor=10.0, price_cap=200.0)


@pytest.fixture
def state():
    """Firm 0 buys 2@150 and 1@5 (below the floor); firm 1 sells 1@40 and 1@250 (above the cap);
    firm 2 buys 1@300 (above the cap)."""
    return bidder_state(
        [[2.0, 1.0], [0.0, 0.0], [1.0, 0.0]],
        [[150.0, 5.0], [0.0, 0.0], [300.0, 0.0]],
        [[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]],
        [[0.0, 0.0], [40.0, 250.0], [0.0, 0.0]],
    )


def test_registry_lists_all_strategies():
    assert set(STRATEGY_REGISTRY) == {"truthful", "zi_c", "zi_u", "zip", "roth_erev", "human"}
    for name in STRATEGY_REGISTRY:
        strategy = make_bidding_strategy(name)
        assert isinstance(strategy, BiddingStrategy)
        assert strategy.name == name


def test_unknown_strategy_lists_names():
    with pytest.raises(UnknownStrategyError, match="truthful") as info:
        make_bidding_strategy("greedy")
    assert "'greedy'" in str(info.value) and "roth_erev" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("zip", {"beta": 0.3}, "beta"),
        ("zip", {"c_r": 2.0}, "c_r"),
        ("zip", {"beta_range": (0.5, 0.1)}, "beta_range"),
        ("roth_erev", {"recency": -0.1}, "recency"),
        ("roth_erev", {"experimentation": 1.0}, "experimentation"),
        ("roth_erev", {"markups": []}, "markups"),
        ("truthful", {"anything": 1}, "anything"),
    ],
)
def test_bad_parameters_raise_named_error(name, params, field):
    with pytest.raises(StrategyParameterError, match=field):
        make_bidding_strategy(name, **params)


def test_truthful_bids_clipped_values_and_skips_loss_steps(state):
    orders = make_bidding_strategy("truthful").orders(state, VIEW, np.random.default_rng(0))
    rows = sorted(
        zip(
            orders.firm.tolist(),
            orders.side.tolist(),
            orders.quantity.tolist(),
            orders.price.tolist(),
            strict=True,
        )
    )
    # The unit valued below the floor and the unit costing above the cap are left out.
    assert rows == [(0, BUY, 2.0, 150.0), (1, SELL, 1.0, 40.0), (2, BUY, 1.0, 200.0)]


def test_human_returns_no_orders(state):
    strategy = make_bidding_strategy("human")
    assert len(strategy.orders(state, VIEW, np.random.default_rng(0))) == 0
    strategy.observe(MarketOutcome())


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_zi_c_never_bids_at_a_loss(seed):
    state = bidder_state(
        [[1.0, 1.0, 1.0]], [[150.0, 60.0, 12.0]], [[1.0, 1.0, 1.0]], [[15.0, 90.0, 190.0]]
    )
    orders = make_bidding_strategy("zi_c").orders(state, VIEW, np.random.default_rng(seed))
    assert len(orders) == 6
    assert (orders.price >= VIEW.price_floor).all() and (orders.price <= VIEW.price_cap).all()
    buys = orders.is_buy
    assert (orders.price[buys] <= orders.limit_price[buys]).all()
    assert (orders.price[~buys] >= orders.limit_price[~buys]).all()


def test_zi_u_ignores_the_budget_constraint():
    state = bidder_state([[1.0]], [[20.0]], [[1.0]], [[180.0]])
    strategy = make_bidding_strategy("zi_u")
    rng = np.random.default_rng(1)
    draws = [strategy.orders(state, VIEW, rng) for _ in range(50)]
    buy_prices = np.array([o.price[o.is_buy][0] for o in draws])
    sell_prices = np.array([o.price[~o.is_buy][0] for o in draws])
    assert (buy_prices > 20.0).any() and (sell_prices < 180.0).any()
    assert (buy_prices >= 10.0).all() and (sell_prices <= 200.0).all()


@pytest.mark.parametrize("name", ["zi_c", "zi_u", "zip", "roth_erev"])
def test_same_seed_same_orders(name, state):
    def run(seed: int) -> list[np.ndarray]:
        strategy = make_bidding_strategy(name)
        rng = np.random.default_rng(seed)
        prices = []
        for _ in range(3):
            orders = strategy.orders(state, VIEW, rng)
            prices.append(orders.price)
            fills = orders.select(np.arange(len(orders)))
            strategy.observe(MarketOutcome(fills=fills, price=100.0))
        return prices

    first, again, other = run(7), run(7), run(8)
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_to_orders_builds_clearing_orders(state):
    orders = make_bidding_strategy("truthful").orders(state, VIEW, np.random.default_rng(0))
    built = to_orders(orders, period=3, zone="yulin", product="rights_tce", prefix="m3-")
    assert [o.id for o in built] == [f"m3-{k}" for k in range(len(orders))]
    assert [o.sequence for o in built] == list(range(len(orders)))
    assert {o.side for o in built} == {Side.BUY, Side.SELL}
    assert all(o.period == 3 and o.zone == "yulin" and o.product == "rights_tce" for o in built)
    assert built[0].agent == f"firm{orders.firm[0]}"
    named = to_orders(orders, 0, "z", "p", "x", agent_names=["A", "B", "C"])
    assert named[0].agent == "ABC"[orders.firm[0]]


def test_fills_agree_between_array_and_object_clearing(state):
    orders = make_bidding_strategy("truthful").orders(state, VIEW, np.random.default_rng(0))
    book = to_uniform_arrays(orders)
    fast = clear_uniform_arrays(
        book.buy_qty,
        book.buy_price,
        book.sell_qty,
        book.sell_price,
        price_floor=VIEW.price_floor,
        price_cap=VIEW.price_cap,
    )
    fills_fast = fills_from_uniform(orders, fast.price, fast.buy_accepted, fast.sell_accepted)
    result = clear(
        to_orders(orders, 0, "default", "default", "o"),
        MarketSpec(price_floor=VIEW.price_floor, price_cap=VIEW.price_cap),
    )
    fills_obj = fills_from_clearing(orders, result.accepted, result.payments, "o")
    # One unit is offered (1 @ 40; the unit costing 250 is above the cap) against 3 wanted.
    assert fills_fast.quantity.sum() == pytest.approx(2.0)  # one bought plus one sold
    for field in ("firm", "side", "step", "quantity", "price"):
        np.testing.assert_allclose(getattr(fills_fast, field), getattr(fills_obj, field))
    # Surplus of the fills: buyers gain value − price, the seller price − cost.
    assert fills_fast.surplus_cny().sum() == pytest.approx(fast.welfare)


def test_order_arrays_validate_shapes():
    with pytest.raises(ValueError, match="side"):
        OrderArrays(
            firm=np.zeros(2, dtype=np.int64),
            side=np.array([1, 0], dtype=np.int8),
            step=np.zeros(2, dtype=np.int64),
            quantity=np.ones(2),
            price=np.ones(2),
            limit_price=np.ones(2),
        )
    assert SELL == -1 and BUY == 1
