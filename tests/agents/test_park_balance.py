"""The park bus balance behind one grid connection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.park_balance import BalanceInputError, grid_exchange, storage_power_window_kw


def test_deficit_beyond_the_limit_is_unserved() -> None:
    flows = grid_exchange(
        net_load_kw=120.0, storage_power_kw=-10.0, renewable_kw=0.0, grid_limit_kw=100.0
    )
    assert float(flows.import_kw) == 100.0
    assert float(flows.unserved_kw) == pytest.approx(10.0)
    assert float(flows.export_kw) == 0.0 and float(flows.curtailment_kw) == 0.0


def test_surplus_beyond_the_limit_is_curtailed() -> None:
    flows = grid_exchange(
        net_load_kw=-150.0, storage_power_kw=20.0, renewable_kw=200.0, grid_limit_kw=100.0
    )
    assert float(flows.export_kw) == 100.0
    assert float(flows.curtailment_kw) == pytest.approx(30.0)
    assert float(flows.import_kw) == 0.0 and float(flows.unserved_kw) == 0.0


def test_vectorised_over_parks() -> None:
    flows = grid_exchange(
        np.array([50.0, -50.0, 0.0]), np.array([10.0, 0.0, -5.0]), np.array([0.0, 80.0, 5.0]), 40.0
    )
    np.testing.assert_allclose(flows.import_kw, [40.0, 0.0, 0.0])
    np.testing.assert_allclose(flows.unserved_kw, [20.0, 0.0, 0.0])
    np.testing.assert_allclose(flows.export_kw, [0.0, 40.0, 5.0])
    np.testing.assert_allclose(flows.curtailment_kw, [0.0, 10.0, 0.0])


def test_storage_window() -> None:
    low, high = storage_power_window_kw(30.0, 10.0, 100.0)
    assert float(low) == pytest.approx(-140.0)
    assert float(high) == pytest.approx(70.0)
    _, over = storage_power_window_kw(130.0, 0.0, 100.0)
    assert float(over) == 0.0


def test_bad_inputs_are_named() -> None:
    with pytest.raises(BalanceInputError, match="renewable_kw"):
        grid_exchange(0.0, 0.0, -1.0, 10.0)
    with pytest.raises(BalanceInputError, match="net_load_kw"):
        grid_exchange(-20.0, 0.0, 10.0, 10.0)
    with pytest.raises(BalanceInputError, match="storage_power_kw"):
        grid_exchange(0.0, -50.0, 10.0, 10.0)
    with pytest.raises(BalanceInputError, match="grid_limit_kw"):
        grid_exchange(0.0, 0.0, 0.0, float("inf"))


power = st.floats(0.0, 500.0)


@settings(max_examples=300, deadline=None)
@given(load=power, renewable=power, charge=power, discharge=power, limit=st.floats(1.0, 400.0))
def test_balance_identity_holds(
    load: float, renewable: float, charge: float, discharge: float, limit: float
) -> None:
    net_load = load - renewable
    storage = charge - discharge
    low, _ = storage_power_window_kw(net_load, renewable, limit)
    if storage < float(low) - 1e-6:
        with pytest.raises(BalanceInputError):
            grid_exchange(net_load, storage, renewable, limit)
        return
    f = grid_exchange(net_load, storage, renewable, limit)
    imp, exp, curt, uns = (
        float(x) for x in (f.import_kw, f.export_kw, f.curtailment_kw, f.unserved_kw)
    )
    supplied = renewable + discharge + imp - exp - charge - curt + uns
    assert load == pytest.approx(supplied, abs=1e-6)
    assert 0.0 <= imp <= limit and 0.0 <= exp <= limit
    assert 0.0 <= curt <= renewable and uns >= 0.0
    assert imp * exp == 0.0
    assert uns == 0.0 or imp == limit
    assert curt == 0.0 or exp == limit
