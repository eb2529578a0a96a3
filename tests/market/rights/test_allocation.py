"""Allocation rules, cap path, rights auction and revenue recycling on hand examples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.rights import (
    AllocationError,
    auction,
    auction_rights,
    auction_volume_tce,
    benchmark_ex_ante,
    cap_path,
    free_share,
    grandfathering,
    hybrid,
    linear_free_share,
    output_based_ex_post,
    recycle_revenue,
)


def test_cap_path_compounds_the_annual_change() -> None:
    # 1000, 1000 * 0.95 = 950, 950 * 0.95 = 902.5
    np.testing.assert_allclose(cap_path(1000.0, -0.05, 3), [1000.0, 950.0, 902.5])


def test_grandfathering_is_base_use_times_factor() -> None:
    # [100, 200, 50] tce x 0.9 = [90, 180, 45]
    np.testing.assert_allclose(grandfathering([100.0, 200.0, 50.0], 0.9), [90.0, 180.0, 45.0])
    np.testing.assert_allclose(grandfathering([100.0, 200.0], [1.0, 0.5]), [100.0, 100.0])


def test_benchmark_ex_ante_scales_down_to_the_cap_only_when_above_it() -> None:
    # 1000 t x 0.100 tce/t = 100; 2000 t x 0.117 tce/t = 234; total 334
    out, bench = [1000.0, 2000.0], [0.100, 0.117]
    np.testing.assert_allclose(benchmark_ex_ante(out, bench), [100.0, 234.0])
    np.testing.assert_allclose(benchmark_ex_ante(out, bench, cap_tce=400.0), [100.0, 234.0])
    # cap 300 -> correction factor 300 / 334: [89.820..., 210.179...]
    scaled = benchmark_ex_ante(out, bench, cap_tce=300.0)
    np.testing.assert_allclose(scaled, [100.0 * 300 / 334, 234.0 * 300 / 334])
    assert scaled.sum() == pytest.approx(300.0)


def test_output_based_ex_post_uses_actual_output() -> None:
    # 900 t x 0.1 = 90; 2100 t x 0.117 = 245.7
    np.testing.assert_allclose(output_based_ex_post([900.0, 2100.0], [0.1, 0.117]), [90.0, 245.7])


def test_auction_rule_gives_nothing_free_and_auctions_the_cap() -> None:
    free = auction(3)
    np.testing.assert_array_equal(free, [0.0, 0.0, 0.0])
    assert auction_volume_tce(300.0, free) == 300.0


def test_hybrid_free_share_declines_and_the_rest_is_auctioned() -> None:
    schedule = {2025: 0.8, 2026: 0.6, 2027: 0.4}
    # 2026: 0.6 x [100, 200] = [60, 120]; auctioned 400 - 180 = 220
    free = hybrid(schedule, 2026, [100.0, 200.0], cap_tce=400.0)
    np.testing.assert_allclose(free, [60.0, 120.0])
    assert auction_volume_tce(400.0, free) == pytest.approx(220.0)
    assert free_share(schedule, 2030) == 0.4  # last share holds
    assert free_share(schedule, 2020) == 0.8  # first share before the schedule
    # basis above the cap: [300, 300] -> [200, 200], x 0.6 = [120, 120]; auction 160
    free = hybrid(schedule, 2026, [300.0, 300.0], cap_tce=400.0)
    np.testing.assert_allclose(free, [120.0, 120.0])
    assert auction_volume_tce(400.0, free) == pytest.approx(160.0)


def test_linear_free_share_schedule() -> None:
    sched = linear_free_share(2025, 1.0, 2029, 0.6)
    assert list(sched) == [2025, 2026, 2027, 2028, 2029]
    np.testing.assert_allclose(list(sched.values()), [1.0, 0.9, 0.8, 0.7, 0.6])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cap_path(-1.0, 0.0, 3), r"base_cap_tce = -1.0"),
        (lambda: cap_path(100.0, -1.0, 3), r"annual_change = -1.0 is not allowed"),
        (lambda: cap_path(100.0, 0.0, 0), r"years = 0"),
        (lambda: grandfathering([1.0, math.nan], 1.0), r"base_year_use_tce\[1\] = nan"),
        (lambda: grandfathering([1.0, 2.0], [1.0, 2.0, 3.0]), r"factor has 3 entries"),
        (lambda: benchmark_ex_ante([1.0], [-0.1]), r"benchmark_tce_per_t\[0\] = -0.1"),
        (lambda: hybrid({2025: 1.2}, 2025, [1.0], 10.0), r"free_share_by_year\[2025\] = 1.2"),
        (lambda: hybrid({}, 2025, [1.0], 10.0), r"free_share_by_year is empty"),
        (lambda: recycle_revenue(10.0, "bonus", 2), r"recycling rule 'bonus'"),
        (lambda: recycle_revenue(10.0, "output_based", 2), r"output_t is required"),
        (lambda: auction_rights([3], [1.0], [1.0], n_firms=2, volume_tce=1.0), r"bidder_idx 3"),
        (
            lambda: auction_rights([0], [1.0], [2e6], n_firms=1, volume_tce=1.0),
            r"price_cny_per_tce\[0\] = 2000000.0 is above the price cap",
        ),
    ],
)
def test_bad_input_raises_a_named_error(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AllocationError, match=message):
        call()


def test_uniform_price_auction_marginal_bid_sets_the_price() -> None:
    # 100 tce at reserve 50. Bids: f0 60@300, f1 50@200, f2 40@100, f0 20@40 (below reserve).
    # Demand at 300: 60; at 200: 110 > 100 -> f1 is marginal, gets 40; price 200.
    res = auction_rights(
        [0, 1, 2, 0],
        [60.0, 50.0, 40.0, 20.0],
        [300.0, 200.0, 100.0, 40.0],
        n_firms=3,
        volume_tce=100.0,
        reserve_price_cny_per_tce=50.0,
    )
    assert res.price_cny_per_tce == pytest.approx(200.0)
    np.testing.assert_allclose(res.awarded_tce, [60.0, 40.0, 0.0])
    np.testing.assert_allclose(res.paid_cny, [12_000.0, 8_000.0, 0.0])
    assert res.revenue_cny == pytest.approx(20_000.0)
    assert res.unsold_tce == pytest.approx(0.0, abs=1e-9)


def test_auction_with_short_demand_sells_at_the_reserve_price() -> None:
    # bids 30@300 and 20@80 for 100 tce at reserve 50: 50 sold at 50, 50 unsold
    res = auction_rights(
        [0, 1],
        [30.0, 20.0],
        [300.0, 80.0],
        n_firms=2,
        volume_tce=100.0,
        reserve_price_cny_per_tce=50.0,
    )
    assert res.price_cny_per_tce == pytest.approx(50.0)
    assert res.sold_tce == pytest.approx(50.0)
    assert res.unsold_tce == pytest.approx(50.0)


def test_auction_without_bids_above_reserve_sells_nothing() -> None:
    res = auction_rights(
        [0], [20.0], [40.0], n_firms=1, volume_tce=10.0, reserve_price_cny_per_tce=50.0
    )
    assert math.isnan(res.price_cny_per_tce)
    assert res.sold_tce == 0.0 and res.unsold_tce == 10.0 and res.revenue_cny == 0.0


bids = st.lists(
    st.tuples(st.integers(0, 4), st.floats(0.0, 100.0), st.floats(0.0, 1000.0)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(bids, st.floats(1.0, 300.0), st.floats(0.0, 500.0))
def test_auction_outcome_is_a_uniform_price_equilibrium(
    book: list[tuple[int, float, float]], volume: float, reserve: float
) -> None:
    idx, qty, price = (np.array(x) for x in zip(*book, strict=True))
    res = auction_rights(
        idx, qty, price, n_firms=5, volume_tce=volume, reserve_price_cny_per_tce=reserve
    )
    assert res.sold_tce <= volume * (1 + 1e-9)
    assert res.sold_tce + res.unsold_tce == pytest.approx(volume)
    if res.sold_tce > 0:
        p = res.price_cny_per_tce
        assert p >= reserve - 1e-9
        # every bid strictly above the price is in full demand; none below the price wins
        above = (price > p + 1e-9) & (qty > 0)
        assert res.sold_tce >= qty[above].sum() - 1e-6
        winners = np.flatnonzero(res.awarded_tce > 1e-9)
        for f in winners:
            assert price[(idx == f)].max() >= p - 1e-9
        assert res.revenue_cny == pytest.approx(res.sold_tce * p)


def test_revenue_recycling_rules() -> None:
    # 900 CNY over 3 firms
    eq = recycle_revenue(900.0, "lump_sum_equal", 3)
    np.testing.assert_allclose(eq.to_firms_cny, [300.0, 300.0, 300.0])
    ob = recycle_revenue(900.0, "output_based", 3, output_t=[1.0, 2.0, 0.0])
    np.testing.assert_allclose(ob.to_firms_cny, [300.0, 600.0, 0.0])
    none = recycle_revenue(900.0, "none", 3)
    assert none.retained_cny == 900.0 and none.to_firms_cny.sum() == 0.0
    tr = recycle_revenue(900.0, "to_treasury", 3)
    assert tr.to_treasury_cny == 900.0 and tr.retained_cny == 0.0
    # zero total output falls back to equal shares
    np.testing.assert_allclose(
        recycle_revenue(900.0, "output_based", 3, output_t=[0.0, 0.0, 0.0]).to_firms_cny, 300.0
    )
