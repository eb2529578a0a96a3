"""Bad books and specifications raise ClearingInputError naming the order and the field."""

from __future__ import annotations

import math

import pytest

from clearing import (
    ClearingInputError,
    Interconnector,
    MarketSpec,
    Order,
    OrderTable,
    Side,
    clear,
)
from tests.clearing.book_factories import buy, sell

GOOD = [buy("b1", 10, 50), sell("s1", 10, 40)]


@pytest.mark.parametrize(
    ("bad", "fragments"),
    [
        (buy("x", math.nan, 10), ["'x'", "quantity", "nan"]),
        (buy("x", math.inf, 10), ["'x'", "quantity", "inf"]),
        (buy("x", -5, 10), ["'x'", "quantity", "-5"]),
        (buy("x", 0, 10), ["'x'", "quantity", "> 0"]),
        (sell("x", 1, math.nan), ["'x'", "price", "nan"]),
        (sell("x", 1, -1), ["'x'", "price", "-1", "price_floor"]),
        (sell("x", 1, 2e6), ["'x'", "price", "price_cap"]),
        (buy("x", 1, 10, zone="mars"), ["'x'", "zone", "mars", "default"]),
        (buy("x", 1, 10, period=-1), ["'x'", "period", "-1"]),
        (buy("x", 1, 10, period=1.5), ["'x'", "period"]),
        (buy("x", 1, 10, min_acceptance_ratio=1.5), ["'x'", "min_acceptance_ratio"]),
        (buy("x", 1, 10, block=""), ["'x'", "block"]),
        (buy("x", 1, 10, block="K", min_acceptance_ratio=0.5), ["'x'", "min_acceptance_ratio"]),
        (buy("b1", 1, 10), ["'b1'", "id", "unique"]),
        (Order("x", "a", "hold", 1.0, 10.0), ["'x'", "side", "hold"]),  # type: ignore[arg-type]
        (Order("", "a", Side.BUY, 1.0, 10.0), ["id"]),
        (Order("x", "a", Side.BUY, "3", 10.0), ["'x'", "quantity", "'3'"]),  # type: ignore[arg-type]
    ],
)
def test_bad_order_is_named(bad: Order, fragments: list[str]) -> None:
    with pytest.raises(ClearingInputError) as info:
        clear([*GOOD, bad])
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message


def test_block_orders_of_different_agents_are_malformed() -> None:
    orders = [
        *GOOD, sell("k1", 1, 10, block="K", agent="a"), sell("k2", 1, 10, block="K", agent="z")
    ]
    with pytest.raises(ClearingInputError, match="'k2'.*block.*'K'.*agent 'a'"):
        clear(orders)


def test_non_order_in_book() -> None:
    with pytest.raises(ClearingInputError, match=r"orders\[2\]"):
        clear([*GOOD, ("b", 1, 2)])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (MarketSpec(price_floor=10.0, price_cap=5.0), "price_cap"),
        (MarketSpec(price_cap=math.inf), "price_cap"),
        (MarketSpec(tick=-1.0), "tick"),
        (MarketSpec(tick=0.3), "price_cap.*tick"),  # 1e6 is not a multiple of 0.3
        (MarketSpec(zones=()), "zones"),
        (MarketSpec(zones=("default", "default")), "unique"),
        (MarketSpec(tie_break="random"), "tie_break"),
        (MarketSpec(rule="auction"), "rule"),  # type: ignore[arg-type]
        (MarketSpec(interconnectors=(Interconnector("default", "x", 1.0),)), "to_zone"),
        (MarketSpec(zones=("a", "b"), interconnectors=(Interconnector("a", "b", -1.0),)),
         "capacity"),
        (MarketSpec(zones=("a", "b"), interconnectors=(Interconnector("a", "b", 1.0, -2.0),)),
         "wheeling_fee"),
        (MarketSpec(zones=("a", "b"), interconnectors=(
            Interconnector("a", "b", 1.0), Interconnector("a", "b", 2.0))), "only once"),
    ],
)
def test_bad_spec_is_named(spec: MarketSpec, fragment: str) -> None:
    with pytest.raises(ClearingInputError, match=fragment):
        clear([], spec)


def test_price_off_the_tick_grid() -> None:
    spec = MarketSpec(tick=0.5, price_cap=100.0)
    with pytest.raises(ClearingInputError, match="'x'.*price.*tick"):
        clear([*GOOD, buy("x", 1, 10.25)], spec)
    assert clear([*GOOD, buy("x", 1, 10.5)], spec).status == "optimal"


def test_unknown_solver_and_fast_on_a_block_book() -> None:
    with pytest.raises(ClearingInputError, match="solver = 'gurobi'"):
        clear(GOOD, solver="gurobi")
    with pytest.raises(ClearingInputError, match="solver = 'fast' cannot clear"):
        clear([*GOOD, sell("k", 1, 10, block="K")], solver="fast")
    with pytest.raises(ClearingInputError, match="solver = 'fast' cannot clear"):
        clear([*GOOD, sell("p1", 1, 10, period=1)], solver="fast")


def test_nothing_is_half_applied() -> None:
    book = [*GOOD, buy("bad", -1, 10)]
    before = list(book)
    with pytest.raises(ClearingInputError):
        clear(book, solver="highs")
    assert book == before
    # The valid part clears normally afterwards: no state leaked from the failed call.
    assert clear(GOOD).volume == 10.0


def test_error_is_a_value_error() -> None:
    assert issubclass(ClearingInputError, ValueError)


@pytest.mark.parametrize("field", ["quantity", "price"])
def test_an_integer_too_large_for_a_float_is_named_not_raised(field: str) -> None:
    values = {"quantity": 1.0, "price": 10.0, field: 10**400}
    book = [*GOOD, Order("x", "x", Side.BUY, values["quantity"], values["price"])]
    for form in (book, OrderTable.from_orders(book)):
        with pytest.raises(ClearingInputError, match=f"'x'.*field '{field}'"):
            clear(form)


def test_limits_keep_every_figure_finite() -> None:
    from clearing.validation import PRICE_LIMIT, QUANTITY_LIMIT

    # The largest allowed order moves a finite amount of money, with room for any book size.
    assert math.isfinite(QUANTITY_LIMIT * PRICE_LIMIT * 1e200)
    huge = buy("x", 1e308, 10)
    with pytest.raises(ClearingInputError, match="'x'.*quantity.*<= 1e\\+15") as info:
        clear([*GOOD, huge])
    assert (info.value.order_id, info.value.field) == ("x", "quantity")
    with pytest.raises(ClearingInputError, match="quantity"):
        clear(OrderTable.from_orders([*GOOD, huge]))
    at_limit = clear([buy("b", QUANTITY_LIMIT, 10), sell("s", QUANTITY_LIMIT, 5)])
    assert math.isfinite(at_limit.welfare) and at_limit.volume == QUANTITY_LIMIT


@pytest.mark.parametrize(
    "spec",
    [
        MarketSpec(price_cap=1e300),
        MarketSpec(price_floor=-1e300),
        MarketSpec(
            zones=("a", "b"), interconnectors=(Interconnector("a", "b", 1.0, 1e300),)
        ),
    ],
)
def test_spec_prices_beyond_the_limit_are_named(spec: MarketSpec) -> None:
    with pytest.raises(ClearingInputError, match="1e\\+12"):
        clear(GOOD, spec)
