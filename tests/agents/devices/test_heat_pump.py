"""Tests for the heat pump COP, electricity use and sink-temperature limit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.devices.heat_pump import (
    HeatPumpInputError,
    heat_pump_can_serve,
    heat_pump_cop,
    heat_pump_electricity_kw,
)


def test_cop_hand_computed_without_icing() -> None:
    # source 10 degC, sink 60 degC: lift 50 K, T_sink 333.15 K
    # COP = 0.45 * 333.15 / 50 = 2.99835 (source above the 2 degC icing threshold)
    assert heat_pump_cop(10.0, 60.0) == pytest.approx(2.99835, rel=1e-12)


def test_cop_icing_penalty_for_air_source_only() -> None:
    # source 0 degC, sink 50 degC: 0.45 * 323.15 / 50 = 2.90835; icing: * 0.9 = 2.617515
    assert heat_pump_cop(0.0, 50.0) == pytest.approx(2.617515, rel=1e-12)
    # waste-heat source at the same temperature: no icing
    assert heat_pump_cop(0.0, 50.0, air_source=False) == pytest.approx(2.90835, rel=1e-12)


def test_cop_min_lift_and_cap() -> None:
    # source 55, sink 60: lift floored at 10 K -> 0.45 * 333.15 / 10 = 14.99 -> capped at 6
    assert heat_pump_cop(55.0, 60.0) == pytest.approx(6.0)
    # with a high cap the floored lift shows: 14.99175
    assert heat_pump_cop(55.0, 60.0, cop_max=50.0) == pytest.approx(14.99175, rel=1e-12)
    # a source hotter than the sink also uses the floor
    assert heat_pump_cop(80.0, 60.0, cop_max=50.0) == pytest.approx(14.99175, rel=1e-12)


def test_cop_floor_at_one() -> None:
    # source -20, sink 150: 0.45 * 423.15 / 170 = 1.120103, icing * 0.9 = 1.008093
    assert heat_pump_cop(-20.0, 150.0) == pytest.approx(1.008093, rel=1e-6)
    # sink 200: 0.45 * 473.15 / 220 = 0.967807 -> floored at 1
    assert heat_pump_cop(-20.0, 200.0) == 1.0


def test_cop_shapes() -> None:
    assert isinstance(heat_pump_cop(5.0, 45.0), float)
    source = np.linspace(-15.0, 30.0, 24)
    assert heat_pump_cop(source, 55.0).shape == (24,)
    sinks = np.array([45.0, 60.0, 90.0])
    cop = heat_pump_cop(np.tile(source[:, None], (1, 3)), sinks)
    assert cop.shape == (24, 3)
    # hotter sink, lower COP
    assert np.all(cop[:, 0] >= cop[:, 1]) and np.all(cop[:, 1] >= cop[:, 2])


@given(
    source=st.floats(-40.0, 120.0),
    sink=st.floats(0.0, 250.0),
    air=st.booleans(),
)
def test_cop_within_bounds(source: float, sink: float, air: bool) -> None:
    cop = heat_pump_cop(source, sink, air_source=air)
    assert 1.0 <= cop <= 6.0


@given(
    source_a=st.floats(-40.0, 120.0),
    source_b=st.floats(-40.0, 120.0),
    sink=st.floats(0.0, 250.0),
    cop_max=st.floats(1.0, 100.0),
)
def test_cop_non_increasing_in_lift(
    source_a: float, source_b: float, sink: float, cop_max: float
) -> None:
    # For a given sink, a colder source (a larger lift) never raises the COP.
    cold, warm = sorted((source_a, source_b))
    assert heat_pump_cop(cold, sink, cop_max=cop_max) <= heat_pump_cop(warm, sink, cop_max=cop_max)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source_temperature_c": -300.0}, "source_temperature_c"),
        ({"sink_temperature_c": np.nan}, "sink_temperature_c"),
        ({"eta": 0.0}, "eta"),
        ({"cop_max": 0.5}, "cop_max"),
        ({"min_lift_k": 0.0}, "min_lift_k"),
        ({"icing_penalty_frac": 1.0}, "icing_penalty_frac"),
    ],
)
def test_cop_rejects_bad_input(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"source_temperature_c": 5.0, "sink_temperature_c": 50.0}
    args.update(kwargs)
    with pytest.raises(HeatPumpInputError, match=field):
        heat_pump_cop(**args)


def test_electricity_hand_computed() -> None:
    # 100 kW_th at COP 2.5 -> 40 kW_el
    assert heat_pump_electricity_kw(100.0, 2.5) == pytest.approx(40.0)
    out = heat_pump_electricity_kw(np.array([[10.0, 20.0]]), np.array([2.0, 4.0]))
    np.testing.assert_allclose(out, [[5.0, 5.0]])


def test_electricity_rejects_bad_input() -> None:
    with pytest.raises(HeatPumpInputError, match="heat_kw_th"):
        heat_pump_electricity_kw(-1.0, 3.0)
    with pytest.raises(HeatPumpInputError, match="cop"):
        heat_pump_electricity_kw(1.0, 0.0)


def test_can_serve() -> None:
    assert heat_pump_can_serve(120.0) is True
    assert heat_pump_can_serve(150.0) is True
    assert heat_pump_can_serve(180.0) is False
    np.testing.assert_array_equal(
        heat_pump_can_serve(np.array([60.0, 160.0, 400.0]), max_sink_c=200.0), [True, True, False]
    )
    with pytest.raises(HeatPumpInputError, match="sink_temperature_c"):
        heat_pump_can_serve(np.nan)


def test_cop_parameters_vary_per_firm() -> None:
    # two firms along the last axis: an air-source unit (eta 0.45, icing) and a waste-heat unit
    # (eta 0.5, cap 4, no icing); two hours with sources 0 degC / 30 degC and sink 50 degC.
    source = np.array([[0.0, 30.0], [0.0, 30.0]])
    cop = heat_pump_cop(
        source,
        np.full((2, 2), 50.0),
        eta=np.array([0.45, 0.5]),
        cop_max=np.array([6.0, 4.0]),
        air_source=np.array([True, False]),
    )
    assert cop.shape == (2, 2)
    # firm 0: 0.45 * 323.15 / 50 * 0.9 = 2.617515; firm 1: 0.5 * 323.15 / 20 = 8.07875 -> cap 4
    np.testing.assert_allclose(cop, [[2.617515, 4.0], [2.617515, 4.0]])
    with pytest.raises(HeatPumpInputError, match="eta"):
        heat_pump_cop(source, 50.0, eta=np.array([0.45, 1.5]))
