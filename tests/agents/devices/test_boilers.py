"""Tests for boiler fuel use in physical units."""

from __future__ import annotations

import numpy as np
import pytest

from agents.devices.boilers import (
    COAL_KGCE_PER_KG,
    GAS_KGCE_PER_M3,
    KJ_PER_KGCE,
    BoilerInputError,
    boiler_fuel_input,
    coal_kg_for_heat,
    coal_kg_from_energy_kwh,
    electric_boiler_kwh_for_heat,
    gas_m3_for_heat,
    gas_m3_from_energy_kwh,
)


def test_fuel_input_hand_computed() -> None:
    # 900 kWh_th at 90 % -> 1,000 kWh of fuel
    assert boiler_fuel_input(900.0, 0.9) == pytest.approx(1000.0)


def test_coal_hand_computed() -> None:
    # 1,000 kWh_th / 0.80 = 1,250 kWh = 4,500,000 kJ; / 20,908 kJ/kg = 215.2286 kg
    assert coal_kg_for_heat(1000.0) == pytest.approx(215.22862, rel=1e-6)
    assert coal_kg_from_energy_kwh(1250.0) == pytest.approx(215.22862, rel=1e-6)


def test_gas_hand_computed() -> None:
    # 1,000 kWh_th / 0.92 = 1,086.957 kWh = 3,913,043.5 kJ; / 35,544 kJ/m3 = 110.0901 m3
    assert gas_m3_for_heat(1000.0) == pytest.approx(110.0901, rel=1e-5)
    assert gas_m3_from_energy_kwh(35544.0 / 3600.0) == pytest.approx(1.0)


def test_electric_hand_computed() -> None:
    # 1,000 kWh_th / 0.99 = 1,010.101 kWh_el
    assert electric_boiler_kwh_for_heat(1000.0) == pytest.approx(1010.10101, rel=1e-8)


def test_coefficients_consistent_with_gbt_2589() -> None:
    # coal: 0.7143 kgce/kg * 29,271 kJ/kgce = 20,908 kJ/kg
    coal_kj_per_kg = COAL_KGCE_PER_KG * KJ_PER_KGCE
    assert coal_kj_per_kg == pytest.approx(20908.0, abs=1.0)
    # gas: 1.2143 kgce/m3 * 29,271 kJ/kgce = 35,544 kJ/m3
    gas_kj_per_m3 = GAS_KGCE_PER_M3 * KJ_PER_KGCE
    assert gas_kj_per_m3 == pytest.approx(35544.0, abs=1.0)
    # the fuel energy of 1 kg of coal in kgce: 20,908 kJ / 29,271 kJ/kgce = 0.7143 kgce
    one_kg_energy_kwh = 20908.0 / 3600.0
    assert coal_kg_from_energy_kwh(one_kg_energy_kwh) == pytest.approx(1.0)


def test_shapes_and_vectorised_efficiency() -> None:
    assert isinstance(coal_kg_for_heat(10.0), float)
    heat = np.full((24, 3), 100.0)
    efficiency = np.array([0.5, 0.8, 1.0])
    fuel = boiler_fuel_input(heat, efficiency)
    assert fuel.shape == (24, 3)
    np.testing.assert_allclose(fuel[0], [200.0, 125.0, 100.0])
    assert gas_m3_for_heat(np.ones(5)).shape == (5,)
    assert electric_boiler_kwh_for_heat(np.ones((2, 2))).shape == (2, 2)


@pytest.mark.parametrize("efficiency", [0.0, -0.5, 1.2, np.nan])
def test_rejects_bad_efficiency(efficiency: float) -> None:
    with pytest.raises(BoilerInputError, match="efficiency"):
        coal_kg_for_heat(100.0, efficiency)


def test_rejects_negative_heat() -> None:
    with pytest.raises(BoilerInputError, match="heat_kwh_th"):
        gas_m3_for_heat(-1.0)
    with pytest.raises(BoilerInputError, match="fuel_kwh"):
        coal_kg_from_energy_kwh(np.array([1.0, -2.0]))
