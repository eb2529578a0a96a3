"""The PuLP path: zones, wheeling fees, periods, blocks, minimum ratios, settlement rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clearing import Interconnector, MarketSpec, PricingRule, clear
from clearing.book import build_book
from clearing.lp_path import clear_lp
from clearing.network import directed_arcs
from clearing.validation import validate
from tests.clearing.book_factories import buy, random_book, sell

SOLVERS = ["highs", "cbc"]
TWO_ZONES = ("A", "B")


def _link(capacity: float, fee: float = 0.0) -> MarketSpec:
    return MarketSpec(zones=TWO_ZONES, interconnectors=(Interconnector("A", "B", capacity, fee),))


@pytest.mark.parametrize("solver", SOLVERS)
def test_dual_of_balance_is_the_price_with_a_positive_sign(solver: str) -> None:
    # Bids 10@50 and 5@45, offer 12@40: the 45 bid is marginal, price 45. The solver's raw dual
    # must equal it (not -45): the model is a cost minimisation with supply - demand = 0.
    orders = [buy("b1", 10, 50), buy("b2", 5, 45), sell("s1", 12, 40)]
    book = build_book(*validate(orders, MarketSpec()))
    allocation = clear_lp(book, MarketSpec(), (), solver)
    assert allocation.dual[0] == pytest.approx(45.0)
    assert allocation.price[0] == 45.0


@pytest.mark.parametrize("solver", SOLVERS)
def test_uncongested_link_with_wheeling_fee(solver: str) -> None:
    # A sells 10@20, B buys 10@50, fee 5: all 10 move. Supporting prices satisfy
    # pB = pA + 5 with pA in [20, 45]: lowest (20, 25), highest (45, 50), midpoint (32.5, 37.5).
    orders = [sell("sA", 10, 20, zone="A"), buy("bB", 10, 50, zone="B")]
    result = clear(orders, _link(100.0, fee=5.0), solver=solver)
    assert result.flows == {("A", "B", 0): 10.0}
    assert result.price_of("A") == pytest.approx(32.5)
    assert result.price_of("B") == pytest.approx(37.5)
    assert result.welfare == pytest.approx(10 * 50 - 10 * 20 - 10 * 5)
    assert result.payments["bB"] == pytest.approx(375.0)
    assert result.payments["sA"] == pytest.approx(-325.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_congested_link_separates_prices(solver: str) -> None:
    orders = [sell("sA", 10, 20, zone="A"), buy("bB", 10, 50, zone="B")]
    result = clear(orders, _link(4.0, fee=5.0), solver=solver)
    assert result.flows == {("A", "B", 0): 4.0}
    assert (result.price_of("A"), result.price_of("B")) == (20.0, 50.0)
    assert result.welfare == pytest.approx(4 * (50 - 20 - 5))


@pytest.mark.parametrize("solver", SOLVERS)
def test_fee_above_the_spread_blocks_trade(solver: str) -> None:
    orders = [sell("sA", 10, 20, zone="A"), buy("bB", 10, 50, zone="B")]
    result = clear(orders, _link(100.0, fee=35.0), solver=solver)
    assert result.status == "no_trade"
    assert math.isnan(result.price_of("A")) and math.isnan(result.price_of("B"))
    assert result.flows == {}


def test_link_is_bidirectional_unless_a_reverse_link_is_given() -> None:
    orders = [sell("sB", 10, 20, zone="B"), buy("bA", 10, 50, zone="A")]
    both_ways = clear(orders, _link(6.0), solver="highs")
    assert both_ways.flows == {("B", "A", 0): 6.0}
    one_way = MarketSpec(
        zones=TWO_ZONES,
        interconnectors=(Interconnector("A", "B", 6.0), Interconnector("B", "A", 0.0)),
    )
    assert clear(orders, one_way, solver="highs").volume == 0.0


def test_hub_zone_without_orders_passes_flow_and_is_priced() -> None:
    spec = MarketSpec(
        zones=("A", "H", "B"),
        interconnectors=(Interconnector("A", "H", 10, 1.0), Interconnector("H", "B", 10, 1.0)),
    )
    result = clear([sell("sA", 5, 10, zone="A"), buy("bB", 5, 40, zone="B")], spec, "highs")
    assert result.flows == {("A", "H", 0): 5.0, ("H", "B", 0): 5.0}
    # pH = pA + 1, pB = pH + 1, pA in [10, 38]: midpoint pA = 24.
    assert [result.price_of(z) for z in ("A", "H", "B")] == pytest.approx([24.0, 25.0, 26.0])
    assert result.welfare == pytest.approx(5 * (40 - 10) - 2 * 5 * 1.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_paradoxically_accepted_block(solver: str) -> None:
    # Block G sells 10@28 in both hours. Accepting it: hour 0 welfare (50-28)*10 = 220, hour 1
    # (25-28)*10 = -30, total 190; rejecting it: (50-45)*10 + (25-15)*10 = 150. So G is
    # accepted. Prices with G fixed: hour 0 in [40, 45] -> 42.5; hour 1 in [10, 15] -> 12.5.
    # G earns (42.5-28)*10 + (12.5-28)*10 = -10 < 0: paradoxically accepted.
    orders = [
        sell("g0", 10, 28, period=0, block="G", agent="gen"),
        sell("g1", 10, 28, period=1, block="G", agent="gen"),
        buy("b0", 10, 50, period=0), buy("b0x", 5, 40, period=0), sell("s0", 10, 45, period=0),
        buy("b1", 10, 25, period=1), buy("b1x", 5, 10, period=1), sell("s1", 10, 15, period=1),
    ]
    result = clear(orders, solver=solver)
    assert result.solver == solver
    assert result.accepted["g0"] == result.accepted["g1"] == 10.0
    assert result.accepted["s0"] == result.accepted["s1"] == 0.0
    assert result.welfare == pytest.approx(190.0)
    assert result.price_of(period=0) == pytest.approx(42.5)
    assert result.price_of(period=1) == pytest.approx(12.5)
    assert result.paradoxically_accepted_blocks == ("G",)
    assert result.payments["g0"] + result.payments["g1"] == pytest.approx(-550.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_fill_or_kill_and_minimum_ratio_orders(solver: str) -> None:
    # Fill-or-kill offer 8@30 beats the divisible 5@40 (welfare 180 vs 50): it trades fully and
    # the divisible offer's 2 units set the price at 40.
    fok = [buy("b", 10, 50), sell("fok", 8, 30, min_acceptance_ratio=1.0), sell("div", 5, 40)]
    r = clear(fok, solver=solver)
    assert (r.accepted["fok"], r.accepted["div"], r.price) == (8.0, 2.0, 40.0)
    # Offer 10@30 with ratio 0.6 needs >= 6 units: bids 5@50 + 3@35 take 8, price 30.
    ratio = [sell("m", 10, 30, min_acceptance_ratio=0.6), buy("b1", 5, 50), buy("b2", 3, 35)]
    r = clear(ratio, solver=solver)
    assert (r.accepted["m"], r.price, r.welfare) == (8.0, 30.0, pytest.approx(115.0))
    # With only 5 units demanded the ratio cannot be met: no trade.
    r = clear(ratio[:2], solver=solver)
    assert r.status == "no_trade" and r.accepted["m"] == 0.0


def test_block_rejected_when_it_cannot_balance() -> None:
    orders = [
        sell("g0", 10, 30, period=0, block="G", agent="g"),
        sell("g1", 10, 30, period=1, block="G", agent="g"),
        buy("b0", 10, 50, period=0), buy("b1", 5, 60, period=1),
    ]
    result = clear(orders, solver="highs")
    assert result.status == "no_trade"
    assert result.paradoxically_rejected_blocks == ()


def test_day_of_24_hours_in_one_model_equals_24_models() -> None:
    rng = np.random.default_rng(11)
    orders = random_book(rng, 24 * 12, periods=24)
    day = clear(orders, solver="highs")
    for hour in range(24):
        in_hour = [o for o in orders if o.period == hour]
        alone = clear(in_hour, solver="highs")
        assert day.prices.get(("default", "default", hour), math.nan) == pytest.approx(
            alone.prices.get(("default", "default", hour), math.nan), nan_ok=True
        )
        for o in in_hour:
            assert day.accepted[o.id] == pytest.approx(alone.accepted[o.id], abs=1e-9)


def test_pay_as_bid_settles_at_own_limit_prices() -> None:
    orders = [buy("b1", 10, 50), buy("b2", 5, 45), sell("s1", 12, 40)]
    result = clear(orders, MarketSpec(rule=PricingRule.PAY_AS_BID))
    assert result.payments == {"b1": 500.0, "b2": 90.0, "s1": -480.0}
    assert result.price == 45.0
    assert result.welfare == pytest.approx(110.0)


def test_tick_rounds_the_midpoint_half_down_within_the_interval() -> None:
    orders = [buy("b1", 10, 50), buy("b2", 3, 44), sell("s1", 10, 40), sell("s2", 3, 47)]
    assert clear(orders).price == 45.5
    assert clear(orders, MarketSpec(tick=1.0)).price == 45.0
    assert clear(orders, MarketSpec(tick=1.0), solver="highs").price == 45.0


def test_empty_book() -> None:
    result = clear([])
    assert result.status == "no_trade"
    assert result.prices == {} and math.isnan(result.price)
    assert result.volume == 0.0 and result.welfare == 0.0


def test_price_property_refuses_several_cells() -> None:
    result = clear([buy("b", 1, 10, period=0), sell("s", 1, 5, period=1)])
    with pytest.raises(ValueError, match="use .prices"):
        _ = result.price


def test_directed_arcs_document_the_direction_rule() -> None:
    spec = MarketSpec(zones=("A", "B", "C"), interconnectors=(
        Interconnector("A", "B", 5, 1), Interconnector("B", "C", 7), Interconnector("C", "B", 2),
    ))
    arcs = {(a.from_zone, a.to_zone): a.capacity for a in directed_arcs(spec)}
    assert arcs == {("A", "B"): 5, ("B", "A"): 5, ("B", "C"): 7, ("C", "B"): 2}
