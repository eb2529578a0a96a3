"""Pooled-bus allocation of a park's grid exchange to its firms."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.bus_allocation import coincident_peak_shares, firm_meter_kw, share_bus


def test_hand_example_two_firms_and_grid() -> None:
    # Firm A draws 300 kW, firm B feeds 100 kW of PV surplus; the grid supplies the other 200 kW.
    # Bus throughput S = 200 (import) + 100 (feed) = 300 kW, grid share 2/3.
    meter = np.array([[300.0, -100.0]])
    z = np.zeros(1)
    shares = share_bus(meter, np.array([200.0]), z, z, z, z, z, z)
    np.testing.assert_allclose(shares.grid_import_kw, [[200.0, 0.0]])
    np.testing.assert_allclose(shares.draw_kw, [[300.0, 0.0]])
    np.testing.assert_allclose(shares.feed_kw, [[0.0, 100.0]])
    np.testing.assert_allclose(shares.exported_kw, [[0.0, 0.0]])


def test_hand_example_export_and_curtailment_shared_by_feeders() -> None:
    # Two feeders of 300 and 100 kW, one drawer of 100 kW; 200 kW exported, 100 kW curtailed.
    # S = 400 kW: export share 1/2, curtailment share 1/4.
    meter = np.array([[-300.0, -100.0, 100.0]])
    z = np.zeros(1)
    shares = share_bus(meter, z, np.array([200.0]), np.array([100.0]), z, z, z, z)
    np.testing.assert_allclose(shares.exported_kw, [[150.0, 50.0, 0.0]])
    np.testing.assert_allclose(shares.curtailed_kw, [[75.0, 25.0, 0.0]])
    np.testing.assert_allclose(shares.grid_import_kw, 0.0)


def test_meter_sign_convention() -> None:
    meter = firm_meter_kw(
        np.array([[100.0]]), np.array([[30.0]]), np.array([[10.0]]), np.array([[0.0]])
    )
    assert meter[0, 0] == 80.0


@settings(max_examples=200, deadline=None)
@given(
    meter=arrays(np.float64, (6, 4), elements=st.floats(-500, 500, allow_subnormal=False)),
    shared=arrays(np.float64, (6, 3), elements=st.floats(0, 300, allow_subnormal=False)),
)
def test_allocation_sums_back_to_park_totals(meter: np.ndarray, shared: np.ndarray) -> None:
    ren, charge, discharge = shared[:, 0], shared[:, 1], shared[:, 2]
    residual = meter.sum(axis=1) + charge - ren - discharge
    imp = np.maximum(residual, 0.0)
    exp = np.maximum(-residual, 0.0) * 0.7
    curt = np.maximum(-residual, 0.0) * 0.3
    z = np.zeros(6)
    shares = share_bus(meter, imp, exp, curt, z, ren, charge, discharge)
    sources = imp + np.maximum(-meter, 0).sum(axis=1) + ren + discharge
    grid_frac = np.divide(imp, sources, out=np.zeros(6), where=sources > 1e-9)
    # Firms' grid share plus the shared battery's grid share is the whole import.
    np.testing.assert_allclose(
        shares.grid_import_kw.sum(axis=1) + charge * grid_frac, imp, rtol=1e-9, atol=1e-6
    )
    np.testing.assert_allclose(shares.exported_kw.sum(axis=1), exp * (
        np.maximum(-meter, 0).sum(axis=1) / np.where(sources > 1e-9, sources, np.inf)
    ), rtol=1e-9, atol=1e-6)
    # Nobody gets more grid power than it draws, nor exports more than it feeds.
    assert np.all(shares.grid_import_kw <= shares.draw_kw + 1e-9)
    assert np.all(shares.exported_kw + shares.curtailed_kw <= shares.feed_kw + 1e-9)


def test_coincident_peak_shares() -> None:
    park = np.array([10.0, 50.0, 20.0, 5.0])
    firms = np.array([[5.0, 5.0], [40.0, 10.0], [10.0, 10.0], [1.0, 4.0]])
    period = np.array([0, 0, 1, 1])
    shares = coincident_peak_shares(park, firms, period)
    np.testing.assert_allclose(shares, [[0.8, 0.2], [0.5, 0.5]])
