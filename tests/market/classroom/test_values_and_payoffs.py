"""Private values, payoffs and the equilibrium, on hand-computed examples and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.classroom.bids import BidOrder, SubmittedBid
from market.classroom.presets import Preset, default_presets_dir, load_preset, parse_preset
from market.classroom.rounds import clear_round
from market.classroom.values import (
    build_roster,
    rights_compliance,
    round_values,
    schedule_gain_cny,
)

from .conftest import tiny_rights_data

BOTH = np.array([True, True])


def bid(seq: int, seat: int, *orders: tuple[str, float, float]) -> SubmittedBid:
    return SubmittedBid(seq, 0, seat, tuple(BidOrder(*o) for o in orders), "player", 0.0)


def test_roster_cycles_seat_types_by_share(shipped: Preset) -> None:
    roster = build_roster(shipped, 12)
    cycle = [t.name for t in shipped.market.seat_types for _ in range(t.share)]
    assert list(roster.type_name) == [cycle[i % len(cycle)] for i in range(12)]
    assert len(set(roster.firm)) == 12  # every firm has its own name
    small = build_roster(shipped, 4)
    np.testing.assert_array_equal(small.size_factor, roster.size_factor[:4])


def test_tiny_rights_values_by_hand(tiny: Preset) -> None:
    values = round_values(tiny, tiny.params, build_roster(tiny, 2), 0, BOTH)
    # cap = 0.8 x 200 = 160, grandfathered 80 each; need 100 each: both short by 20.
    assert values.cap_units == pytest.approx(160.0)
    np.testing.assert_allclose(values.info["allocation_tce"], [80.0, 80.0])
    # Cheap firm: buys its 20 short at its MAC (100/tce); sells 10 more of option a at 100,
    # option b (30) at 400, then its other 40 held rights at the penalty.
    s = values.schedule
    assert s.buy_qty[0, 0] == pytest.approx(20.0) and s.buy_value[0, 0] == pytest.approx(100.0)
    sells = sorted(zip(s.sell_cost[0], s.sell_qty[0], strict=True))
    assert [(c, q) for c, q in sells if q > 0] == [(100.0, 10.0), (400.0, 30.0), (1000.0, 40.0)]
    # Dear firm: 10 at its MAC 600, 10 beyond its capacity at the penalty.
    buys = sorted(zip(s.buy_value[1], s.buy_qty[1], strict=True), reverse=True)
    assert [(v, q) for v, q in buys if q > 0] == [(1000.0, 10.0), (600.0, 10.0)]
    # Without trade: cheap pays 20 x 100, dear pays 10 x 600 + 10 x 1000.
    np.testing.assert_allclose(values.base_profit_cny, [100_000 - 2_000, 100_000 - 16_000])


def test_tiny_round_payoffs_by_hand(tiny: Preset) -> None:
    values = round_values(tiny, tiny.params, build_roster(tiny, 2), 0, BOTH)
    bids = {
        0: bid(1, 0, ("sell", 20.0, 300.0)),  # cheap sells 20 rights at >= 300
        1: bid(2, 1, ("buy", 20.0, 800.0)),  # dear buys 20 at <= 800
    }
    result = clear_round(tiny, tiny.params, values, bids, 5.0)
    assert result.volume == pytest.approx(20.0)
    assert result.price == pytest.approx(550.0)  # midpoint of [300, 800]
    cheap, dear = result.seats
    # Cheap: short 40 after selling; abates 30 at 100 and 10 at 400; earns 20 x 550.
    assert cheap["abated_tce"] == pytest.approx(40.0)
    assert cheap["profit_cny"] == pytest.approx(100_000 - 3_000 - 4_000 + 11_000)
    # Dear: fully covered, pays 20 x 550.
    assert dear["penalty_tce"] == pytest.approx(0.0)
    assert dear["profit_cny"] == pytest.approx(100_000 - 11_000)
    assert result.totals["use_units"] == pytest.approx(160.0)
    assert result.totals["emissions_tco2"] == pytest.approx(320.0)
    # Equilibrium: 20 tce; the cheap firm could sell 20 more at 400, so the price is 400.
    assert result.equilibrium["volume"] == pytest.approx(20.0)
    assert result.equilibrium["price_low"] == pytest.approx(400.0)
    assert result.equilibrium["price_high"] == pytest.approx(400.0)
    # Surplus: dear avoids 10 x 1000 + 10 x 600; cheap abates 10 x 100 + 10 x 400 more.
    assert result.equilibrium["surplus_cny"] == pytest.approx(16_000 - 5_000)
    assert result.equilibrium["efficiency"] == pytest.approx(1.0)


def test_auction_sells_the_cap_at_or_above_the_reserve() -> None:
    preset = parse_preset(tiny_rights_data(allocation="auction"))
    values = round_values(preset, preset.params, build_roster(preset, 2), 0, BOTH)
    assert values.auctioneer_qty == pytest.approx(160.0)
    np.testing.assert_allclose(values.max_sell, [0.0, 0.0])
    bids = {0: bid(1, 0, ("buy", 100.0, 90.0)), 1: bid(2, 1, ("buy", 100.0, 70.0))}
    result = clear_round(preset, preset.params, values, bids, 0.0)
    assert result.volume == pytest.approx(160.0)
    assert 50.0 <= (result.price or 0.0) <= 70.0
    assert result.totals["auction_revenue_cny"] == pytest.approx(160.0 * (result.price or 0.0))


def test_rights_compliance_uses_cheapest_options_then_penalty() -> None:
    cap = np.array([[30.0, 30.0]])
    cost = np.array([[100.0, 400.0]])
    abated, penalty_tce, total = rights_compliance(cap, cost, np.array([70.0]), 1000.0)
    assert abated[0] == pytest.approx(60.0)
    assert penalty_tce[0] == pytest.approx(10.0)
    assert total[0] == pytest.approx(3_000 + 12_000 + 10_000)


@settings(max_examples=40, deadline=None)
@given(
    net=st.floats(min_value=-80.0, max_value=100.0, allow_nan=False),
    penalty=st.floats(min_value=200.0, max_value=2000.0),
)
def test_profit_equals_direct_accounting(net: float, penalty: float) -> None:
    """Profit from the schedule equals margin - abatement - penalty - payments, for any trade."""
    preset = parse_preset(tiny_rights_data(penalty_cny_per_unit=penalty))
    values = round_values(preset, preset.params, build_roster(preset, 2), 0, BOTH)
    nets = np.array([net, -net])
    nets = np.clip(nets, -values.max_sell, values.max_buy)
    gain = schedule_gain_cny(values.schedule, nets)
    info = values.info
    shortfall = np.maximum(info["need_tce"] - info["allocation_tce"] - nets, 0.0)
    _, _, cost = rights_compliance(
        info["mac_capacity_tce"], info["mac_cost_cny_per_tce"], shortfall, penalty
    )
    np.testing.assert_allclose(values.base_profit_cny + gain, info["margin_cny"] - cost, atol=1e-6)


def test_green_battery_stores_unsold_surplus_for_later() -> None:
    shipped = load_preset(default_presets_dir() / "green_power_day.yaml")
    roster = build_roster(shipped, 6)
    active = np.ones(6, dtype=bool)
    noon = round_values(shipped, shipped.params, roster, 2, active)
    battery_seat = roster.type_name.index("pv_battery")
    surplus = noon.info["pv_surplus_mwh"][battery_seat]
    result = clear_round(shipped, shipped.params, noon, {}, 0.0)  # nobody bids: nothing sold
    stored = result.seats[battery_seat]["soc_end_mwh"]
    expected = min(
        surplus * 0.95, noon.info["battery_energy_mwh"][battery_seat], 3.0 * roster.size_factor[2]
    )
    assert stored == pytest.approx(expected)
    soc = np.array([s["soc_end_mwh"] for s in result.seats])
    evening = round_values(shipped, shipped.params, roster, 4, active, soc)
    assert evening.max_sell[battery_seat] == pytest.approx(
        min(stored * 0.95, 3.0 * roster.size_factor[2]) + evening.info["pv_surplus_mwh"][2]
    )
    # A buyer who gets nothing pays the penalty on its whole target.
    buyer = roster.type_name.index("fab")
    target = noon.info["target_mwh"][buyer]
    assert result.seats[buyer]["profit_cny"] == pytest.approx(-60.0 * target)
