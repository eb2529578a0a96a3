"""The price corridor: reserve orders added to a call-auction book keep the price in range."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing import MarketSpec, Order, Side, clear
from market.rights import PriceCorridor, ReserveError, corridor_orders, reserve_fills

SPEC = MarketSpec(price_floor=0.0, price_cap=10_000.0)
CORRIDOR = PriceCorridor(floor_cny_per_tce=50.0, ceiling_cny_per_tce=300.0)


def buy(i: int, q: float, p: float) -> Order:
    return Order(id=f"b{i}", agent=f"firm_{i}", side=Side.BUY, quantity=q, price=p, sequence=i)


def sell(i: int, q: float, p: float) -> Order:
    return Order(id=f"s{i}", agent=f"firm_{i}", side=Side.SELL, quantity=q, price=p, sequence=i)


def test_ceiling_holds_when_demand_is_high() -> None:
    # demand 100 @ 500, firms offer 20 @ 100: alone the price is 500 (the bid is marginal).
    book = [buy(0, 100.0, 500.0), sell(1, 20.0, 100.0)]
    assert clear(book, SPEC).price == pytest.approx(500.0)
    # the reserve holds 200 and sells the missing 80 at the ceiling: price 300
    orders = corridor_orders(CORRIDOR, reserve_held_tce=200.0, book=book)
    res = clear([*book, *orders], SPEC)
    assert res.price == pytest.approx(300.0)
    fills = reserve_fills(res)
    assert fills.sold_tce == pytest.approx(80.0)
    assert fills.bought_tce == pytest.approx(0.0)
    assert fills.received_cny == pytest.approx(80.0 * 300.0)


def test_floor_holds_when_supply_is_high() -> None:
    # firms offer 100 @ 10, bid 20 @ 40: alone the price is 10 (the offer is marginal).
    book = [sell(0, 100.0, 10.0), buy(1, 20.0, 40.0)]
    assert clear(book, SPEC).price == pytest.approx(10.0)
    orders = corridor_orders(CORRIDOR, reserve_held_tce=0.0, book=book)
    assert [o.side for o in orders] == [Side.BUY]  # nothing to sell at the ceiling
    res = clear([*book, *orders], SPEC)
    assert res.price == pytest.approx(50.0)
    fills = reserve_fills(res)
    assert fills.bought_tce == pytest.approx(100.0)
    assert fills.paid_cny == pytest.approx(100.0 * 50.0)


def test_exhausted_reserve_lets_the_price_rise_above_the_ceiling() -> None:
    # the reserve holds only 30 of the 80 missing: demand stays marginal at 500
    book = [buy(0, 100.0, 500.0), sell(1, 20.0, 100.0)]
    res = clear([*book, *corridor_orders(CORRIDOR, 30.0, book)], SPEC)
    assert res.price == pytest.approx(500.0)
    assert reserve_fills(res).sold_tce == pytest.approx(30.0)


def test_limited_buying_lets_the_price_fall_below_the_floor() -> None:
    book = [sell(0, 100.0, 10.0), buy(1, 20.0, 40.0)]
    res = clear([*book, *corridor_orders(CORRIDOR, 0.0, book, buy_limit_tce=30.0)], SPEC)
    assert res.price == pytest.approx(10.0)
    assert reserve_fills(res).bought_tce == pytest.approx(30.0)


def test_inside_the_corridor_the_reserve_does_not_trade() -> None:
    book = [buy(0, 50.0, 200.0), sell(1, 50.0, 100.0), sell(2, 10.0, 150.0)]
    res = clear([*book, *corridor_orders(CORRIDOR, 100.0, book)], SPEC)
    assert CORRIDOR.floor_cny_per_tce <= res.price <= CORRIDOR.ceiling_cny_per_tce
    fills = reserve_fills(res)
    assert fills.sold_tce == 0.0 and fills.bought_tce == 0.0


def test_orders_carry_the_cell_and_come_last_at_equal_prices() -> None:
    orders = corridor_orders(
        CORRIDOR, 10.0, buy_limit_tce=5.0, period=3, zone="yulin", product="rights_tce"
    )
    assert {(o.period, o.zone, o.product) for o in orders} == {(3, "yulin", "rights_tce")}
    assert all(o.sequence > 10**15 for o in orders)
    assert {o.price for o in orders} == {50.0, 300.0}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: PriceCorridor(300.0, 300.0), r"floor_cny_per_tce = 300.0 must be below"),
        (lambda: PriceCorridor(-1.0, 300.0), r"floor_cny_per_tce = -1.0 is not allowed"),
        (lambda: PriceCorridor(1.0, math.inf), r"ceiling_cny_per_tce = inf"),
        (lambda: corridor_orders(CORRIDOR, -5.0), r"reserve_held_tce = -5.0"),
        (lambda: corridor_orders(CORRIDOR, 5.0, buy_limit_tce=math.nan), r"buy_limit_tce = nan"),
    ],
)
def test_bad_input_raises_a_named_error(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReserveError, match=message):
        call()


side_orders = st.lists(
    st.tuples(st.floats(0.5, 100.0), st.floats(0.0, 1000.0)), min_size=0, max_size=8
)


@settings(max_examples=80, deadline=None)
@given(side_orders, side_orders, st.floats(0.0, 400.0), st.floats(1.0, 400.0))
def test_corridor_holds_on_random_books_while_the_reserve_lasts(
    bids: list[tuple[float, float]],
    offers: list[tuple[float, float]],
    floor: float,
    width: float,
) -> None:
    corridor = PriceCorridor(floor, floor + width)
    book = [buy(i, q, p) for i, (q, p) in enumerate(bids)]
    book += [sell(100 + i, q, p) for i, (q, p) in enumerate(offers)]
    held = 1.0 + 2.0 * sum(q for q, _ in bids)  # more than all demand: never exhausted
    res = clear([*book, *corridor_orders(corridor, held, book)], SPEC)
    if res.traded:
        assert floor - 1e-9 <= res.price <= floor + width + 1e-9
