"""Allocation of a park's grid exchange to its firms: pooled bus with a traced shared battery."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.bus_allocation import (
    FirmBusShares,
    coincident_peak_shares,
    firm_meter_kw,
    park_key,
    share_bus,
)


def allocate(
    meter: list[list[float]],
    *,
    imp: list[float] | None = None,
    exp: list[float] | None = None,
    curt: list[float] | None = None,
    unserved: list[float] | None = None,
    ren: list[float] | None = None,
    charge: list[float] | None = None,
    discharge: list[float] | None = None,
    soc: list[float] | None = None,
    soc_start: float = 0.0,
    price: list[float] | None = None,
    dt_h: float = 1.0,
) -> FirmBusShares:
    n = len(meter)

    def arr(values: list[float] | None) -> np.ndarray:
        return np.zeros(n) if values is None else np.asarray(values, dtype=float)

    return share_bus(
        np.asarray(meter, dtype=float),
        arr(imp),
        arr(exp),
        arr(curt),
        arr(unserved),
        arr(ren),
        arr(charge),
        arr(discharge),
        arr(soc),
        soc_start,
        np.ones(n) if price is None else arr(price),
        dt_h,
    )


def test_hand_example_two_firms_and_grid() -> None:
    # Firm A draws 300 kW, firm B feeds 100 kW of PV surplus; the grid supplies the other 200 kW.
    # Bus throughput S = 200 (import) + 100 (feed) = 300 kW, grid share 2/3.
    shares = allocate([[300.0, -100.0]], imp=[200.0])
    np.testing.assert_allclose(shares.grid_import_kw, [[200.0, 0.0]])
    np.testing.assert_allclose(shares.instant_grid_import_kw, [[200.0, 0.0]])
    np.testing.assert_allclose(shares.draw_kw, [[300.0, 0.0]])
    np.testing.assert_allclose(shares.feed_kw, [[0.0, 100.0]])
    np.testing.assert_allclose(shares.exported_kw, [[0.0, 0.0]])


def test_hand_example_export_and_curtailment_shared_by_feeders() -> None:
    # Two feeders of 300 and 100 kW, one drawer of 100 kW; 200 kW exported, 100 kW curtailed.
    # S = 400 kW: export share 1/2, curtailment share 1/4.
    shares = allocate([[-300.0, -100.0, 100.0]], exp=[200.0], curt=[100.0])
    np.testing.assert_allclose(shares.exported_kw, [[150.0, 50.0, 0.0]])
    np.testing.assert_allclose(shares.curtailed_kw, [[75.0, 25.0, 0.0]])
    np.testing.assert_allclose(shares.grid_import_kw, 0.0)


def test_shared_pv_export_is_charged_to_the_firms_that_draw() -> None:
    # Shared PV 500 kW; firm A draws 100, firm B 300 (key 1/4, 3/4); 100 kW exported.
    # The export is all shared PV: 25 kW to A, 75 kW to B.
    shares = allocate([[100.0, 300.0]], ren=[500.0], exp=[100.0])
    np.testing.assert_allclose(shares.exported_kw, [[25.0, 75.0]])
    np.testing.assert_allclose(shares.grid_import_kw, 0.0)


def test_battery_charged_from_grid_at_night_supplies_one_firm_by_day() -> None:
    # Night: the grid charges the shared battery with 100 kWh at 0.3 CNY/kWh, no firm draws.
    # Day: the battery delivers 100 kWh to firm A; firm B is idle. No losses.
    shares = allocate(
        [[0.0, 0.0], [100.0, 0.0]],
        imp=[100.0, 0.0],
        charge=[100.0, 0.0],
        discharge=[0.0, 100.0],
        soc=[100.0, 0.0],
        price=[0.3, 1.0],
    )
    np.testing.assert_allclose(shares.grid_import_kw, [[0.0, 0.0], [100.0, 0.0]], atol=1e-12)
    # A pays the night price for it, not the day price.
    np.testing.assert_allclose(shares.grid_cost_cny_per_h.sum(axis=0), [30.0, 0.0])
    # The grid power at night is A's (its draw over the block is the key).
    np.testing.assert_allclose(shares.instant_grid_import_kw, [[100.0, 0.0], [0.0, 0.0]])


def test_battery_charged_from_shared_pv_stays_renewable() -> None:
    # Shared PV charges 100 kWh; the battery later supplies firm A: no grid electricity.
    shares = allocate(
        [[0.0, 0.0], [100.0, 0.0]],
        ren=[100.0, 0.0],
        charge=[100.0, 0.0],
        discharge=[0.0, 100.0],
        soc=[100.0, 0.0],
    )
    np.testing.assert_allclose(shares.grid_import_kw, 0.0, atol=1e-12)


def test_battery_losses_are_charged_by_the_draw_key() -> None:
    # Step 0: the grid charges 100 kWh, 90 kWh are stored (10 lost).
    # Step 1: the battery delivers 81 kWh (9 lost) to A; B draws 81 kWh from the grid.
    # The bus's grid share in step 1 is (81 + 1.0 · 81) / 162 = 1: both get 81 kWh of grid.
    # Losses 19 kWh, key 1/2 each: A = 81 + 9.5, B = 81 + 9.5; sum 181 = import.
    shares = allocate(
        [[0.0, 0.0], [81.0, 81.0]],
        imp=[100.0, 81.0],
        charge=[100.0, 0.0],
        discharge=[0.0, 81.0],
        soc=[90.0, 0.0],
    )
    np.testing.assert_allclose(shares.grid_import_kw.sum(axis=0), [90.5, 90.5])
    np.testing.assert_allclose(shares.grid_import_kw[1], [81.0 + 4.5, 81.0 + 4.5])


def test_grid_left_in_the_battery_is_charged_at_the_end_of_the_block() -> None:
    # Step 0: B draws 40 kW and the battery 100 kW from the grid (no losses).
    # Step 1: A draws 60 kW from B's 10 kW feed and 50 kW of battery discharge; 50 kWh remain.
    # Grid share in step 1: 50 / 60, so A gets 50 directly. Block draw: A 60, B 40, so the
    # 50 kWh left in the store go 30 to A and 20 to B at the last step.
    shares = allocate(
        [[0.0, 40.0], [60.0, -10.0]],
        imp=[140.0, 0.0],
        charge=[100.0, 0.0],
        discharge=[0.0, 50.0],
        soc=[100.0, 50.0],
        soc_start=0.0,
    )
    np.testing.assert_allclose(shares.grid_import_kw[1], [50.0 + 50.0 * 60 / 100, 50.0 * 40 / 100])
    assert shares.grid_import_kw.sum() == pytest.approx(140.0, rel=1e-12)


def test_battery_energy_exported_is_charged_and_credited_by_key() -> None:
    # A draws 50 kWh and the battery 100 kWh from the grid; later the battery exports 100 kWh.
    shares = allocate(
        [[50.0, 0.0], [0.0, 0.0]],
        imp=[150.0, 0.0],
        exp=[0.0, 100.0],
        charge=[100.0, 0.0],
        discharge=[0.0, 100.0],
        soc=[100.0, 0.0],
    )
    np.testing.assert_allclose(shares.grid_import_kw.sum(axis=0), [150.0, 0.0])
    np.testing.assert_allclose(shares.exported_kw.sum(axis=0), [100.0, 0.0])


def test_park_key_falls_back_to_equal_shares() -> None:
    np.testing.assert_allclose(park_key(np.zeros((3, 4))), 0.25)
    np.testing.assert_allclose(park_key(np.array([[1.0, 3.0]])), [0.25, 0.75])


def test_meter_sign_convention() -> None:
    meter = firm_meter_kw(
        np.array([[100.0]]), np.array([[30.0]]), np.array([[10.0]]), np.array([[0.0]])
    )
    assert meter[0, 0] == 80.0


N_STEPS, N_FIRMS = 8, 4
power = st.floats(0, 500, allow_subnormal=False)


@settings(max_examples=150, deadline=None)
@given(
    meter=arrays(np.float64, (N_STEPS, N_FIRMS), elements=st.floats(-500, 500)),
    ren=arrays(np.float64, N_STEPS, elements=power),
    soc=arrays(np.float64, N_STEPS + 1, elements=st.floats(0, 2000)),
    loss=arrays(np.float64, N_STEPS, elements=st.floats(0, 50)),
    shuffle=arrays(np.float64, N_STEPS, elements=st.floats(0, 100)),
    price=arrays(np.float64, N_STEPS, elements=st.floats(0.1, 2.0)),
    limit_kw=st.floats(0, 3000),
    dt_h=st.sampled_from([0.25, 1.0]),
)
def test_every_identity_holds_for_flows_that_balance(
    meter: np.ndarray,
    ren: np.ndarray,
    soc: np.ndarray,
    loss: np.ndarray,
    shuffle: np.ndarray,
    price: np.ndarray,
    limit_kw: float,
    dt_h: float,
) -> None:
    # Shared battery flows consistent with its stored energy and losses; some steps have one
    # shared unit charging while another discharges.
    net_kw = (soc[1:] - soc[:-1]) / dt_h + loss
    charge = np.maximum(net_kw, 0.0) + shuffle
    discharge = np.maximum(-net_kw, 0.0) + shuffle
    residual = meter.sum(axis=1) + charge - discharge - ren
    imp = np.minimum(np.maximum(residual, 0.0), limit_kw)
    unserved = np.maximum(residual - limit_kw, 0.0)
    exp = np.minimum(np.maximum(-residual, 0.0), limit_kw)
    curt = np.maximum(-residual - limit_kw, 0.0)
    shares = share_bus(
        meter, imp, exp, curt, unserved, ren, charge, discharge, soc[1:], soc[0], price, dt_h
    )
    scale = 1.0 + float(np.abs(meter).sum() + charge.sum() + discharge.sum() + ren.sum())
    tol = 1e-9 * scale
    assert shares.grid_import_kw.sum() == pytest.approx(imp.sum(), rel=1e-9, abs=tol)
    assert shares.grid_cost_cny_per_h.sum() == pytest.approx(
        (imp * price).sum(), rel=1e-9, abs=tol * 2.0
    )
    for firm_kw, park_kw in [
        (shares.instant_grid_import_kw, imp),
        (shares.unserved_kw, unserved),
        (shares.exported_kw, exp),
        (shares.curtailed_kw, curt),
    ]:
        np.testing.assert_allclose(firm_kw.sum(axis=1), park_kw, rtol=1e-9, atol=tol)
    for part in (
        shares.grid_import_kw,
        shares.grid_cost_cny_per_h,
        shares.instant_grid_import_kw,
        shares.unserved_kw,
        shares.exported_kw,
        shares.curtailed_kw,
    ):
        assert np.all(part >= -tol)


def test_coincident_peak_shares() -> None:
    park = np.array([10.0, 50.0, 20.0, 5.0])
    firms = np.array([[5.0, 5.0], [40.0, 10.0], [10.0, 10.0], [1.0, 4.0]])
    period = np.array([0, 0, 1, 1])
    shares = coincident_peak_shares(park, firms, period)
    np.testing.assert_allclose(shares, [[0.8, 0.2], [0.5, 0.5]])
