"""Coal, gas and electric boilers: fuel needed for a heat output, in physical units.

Fuel energy [kWh] = heat [kWh_th] / boiler efficiency. Physical quantities use the net
calorific values of GB/T 2589-2020 "General principles for calculation of the comprehensive
energy consumption" (Appendix A reference coefficients; status **verified** as listed in the
project's reference data):

* raw coal: 20,908 kJ/kg (5,000 kcal/kg), coefficient 0.7143 kgce/kg;
* natural gas: 1.2143 kgce/m3, i.e. 1.2143 x 29,271 = 35,544 kJ/m3;
* one kilogram of coal equivalent is taken as 29,271 kJ/kgce (= 20,908 / 0.7143), the value
  implied by the raw-coal pair above (the standard's nominal definition is 29,307 kJ,
  7,000 kcal; the difference is 0.12 %);
* 1 kWh = 3,600 kJ.

Default efficiencies (assumed, typical of industrial units): coal 0.80, gas 0.92,
electric 0.99. Energy accounting in kgce and emissions live elsewhere; these functions give
physical quantities only.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

__all__ = [
    "COAL_KGCE_PER_KG",
    "COAL_NCV_KJ_PER_KG",
    "GAS_KGCE_PER_M3",
    "GAS_NCV_KJ_PER_M3",
    "KJ_PER_KGCE",
    "KJ_PER_KWH",
    "BoilerInputError",
    "boiler_fuel_input",
    "coal_kg_for_heat",
    "coal_kg_from_energy_kwh",
    "electric_boiler_kwh_for_heat",
    "gas_m3_for_heat",
    "gas_m3_from_energy_kwh",
]

KJ_PER_KWH = 3600.0
"""Energy content of one kilowatt-hour [kJ/kWh] (exact)."""
COAL_NCV_KJ_PER_KG = 20908.0
"""Net calorific value of raw coal [kJ/kg] (GB/T 2589-2020)."""
COAL_KGCE_PER_KG = 0.7143
"""Standard-coal coefficient of raw coal [kgce/kg] (GB/T 2589-2020)."""
KJ_PER_KGCE = 29271.0
"""Energy of one kilogram of coal equivalent implied by the raw-coal pair [kJ/kgce]."""
GAS_KGCE_PER_M3 = 1.2143
"""Standard-coal coefficient of natural gas [kgce/m3] (GB/T 2589-2020)."""
GAS_NCV_KJ_PER_M3 = 35544.0
"""Net calorific value of natural gas [kJ/m3] (35,544 = 1.2143 kgce/m3 x 29,271 kJ/kgce)."""


class BoilerInputError(ValueError):
    """Raised when a boiler function receives an invalid argument."""


def _nonnegative(name: str, values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise BoilerInputError(f"{name} must be finite and >= 0")
    return array


def _efficiency(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any((array <= 0.0) | (array > 1.0)):
        raise BoilerInputError(f"efficiency must be in (0, 1], got {values!r}")
    return array


def _out(values: npt.NDArray[np.float64]) -> float | npt.NDArray[np.float64]:
    return float(values) if values.ndim == 0 else values


@overload
def boiler_fuel_input(heat_kwh_th: float, efficiency: float) -> float: ...
@overload
def boiler_fuel_input(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike
) -> npt.NDArray[np.float64]: ...
def boiler_fuel_input(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike
) -> float | npt.NDArray[np.float64]:
    """Fuel energy a boiler burns to deliver a heat output.

    Parameters
    ----------
    heat_kwh_th : array_like
        Heat delivered [kWh_th] (or power [kW_th]), >= 0.
    efficiency : array_like
        Boiler efficiency on net calorific value [fraction], in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        Fuel energy [kWh] (or fuel power [kW]); a float for scalar inputs.

    Raises
    ------
    BoilerInputError
        On negative heat or an efficiency outside (0, 1].
    """
    return _out(_nonnegative("heat_kwh_th", heat_kwh_th) / _efficiency(efficiency))


@overload
def coal_kg_from_energy_kwh(fuel_kwh: float) -> float: ...
@overload
def coal_kg_from_energy_kwh(fuel_kwh: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
def coal_kg_from_energy_kwh(fuel_kwh: npt.ArrayLike) -> float | npt.NDArray[np.float64]:
    """Mass of raw coal holding a given fuel energy (net calorific value 20,908 kJ/kg).

    Parameters
    ----------
    fuel_kwh : array_like
        Fuel energy [kWh], >= 0.

    Returns
    -------
    float or numpy.ndarray
        Raw coal [kg]; a float for scalar input.
    """
    return _out(_nonnegative("fuel_kwh", fuel_kwh) * KJ_PER_KWH / COAL_NCV_KJ_PER_KG)


@overload
def gas_m3_from_energy_kwh(fuel_kwh: float) -> float: ...
@overload
def gas_m3_from_energy_kwh(fuel_kwh: npt.ArrayLike) -> npt.NDArray[np.float64]: ...
def gas_m3_from_energy_kwh(fuel_kwh: npt.ArrayLike) -> float | npt.NDArray[np.float64]:
    """Volume of natural gas holding a given fuel energy (net calorific value 35,544 kJ/m3).

    Parameters
    ----------
    fuel_kwh : array_like
        Fuel energy [kWh], >= 0.

    Returns
    -------
    float or numpy.ndarray
        Natural gas [m3]; a float for scalar input.
    """
    return _out(_nonnegative("fuel_kwh", fuel_kwh) * KJ_PER_KWH / GAS_NCV_KJ_PER_M3)


@overload
def coal_kg_for_heat(heat_kwh_th: float, efficiency: float = ...) -> float: ...
@overload
def coal_kg_for_heat(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike = ...
) -> npt.NDArray[np.float64]: ...
def coal_kg_for_heat(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike = 0.80
) -> float | npt.NDArray[np.float64]:
    """Raw coal a coal-fired boiler burns to deliver a heat output.

    Parameters
    ----------
    heat_kwh_th : array_like
        Heat delivered [kWh_th], >= 0.
    efficiency : array_like
        Boiler efficiency [fraction], in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        Raw coal [kg]; a float for scalar inputs.
    """
    return coal_kg_from_energy_kwh(boiler_fuel_input(heat_kwh_th, efficiency))


@overload
def gas_m3_for_heat(heat_kwh_th: float, efficiency: float = ...) -> float: ...
@overload
def gas_m3_for_heat(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike = ...
) -> npt.NDArray[np.float64]: ...
def gas_m3_for_heat(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike = 0.92
) -> float | npt.NDArray[np.float64]:
    """Natural gas a gas-fired boiler burns to deliver a heat output.

    Parameters
    ----------
    heat_kwh_th : array_like
        Heat delivered [kWh_th], >= 0.
    efficiency : array_like
        Boiler efficiency [fraction], in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        Natural gas [m3]; a float for scalar inputs.
    """
    return gas_m3_from_energy_kwh(boiler_fuel_input(heat_kwh_th, efficiency))


@overload
def electric_boiler_kwh_for_heat(heat_kwh_th: float, efficiency: float = ...) -> float: ...
@overload
def electric_boiler_kwh_for_heat(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike = ...
) -> npt.NDArray[np.float64]: ...
def electric_boiler_kwh_for_heat(
    heat_kwh_th: npt.ArrayLike, efficiency: npt.ArrayLike = 0.99
) -> float | npt.NDArray[np.float64]:
    """Electricity an electric (resistive or electrode) boiler uses to deliver a heat output.

    Parameters
    ----------
    heat_kwh_th : array_like
        Heat delivered [kWh_th], >= 0.
    efficiency : array_like
        Boiler efficiency [fraction], in (0, 1].

    Returns
    -------
    float or numpy.ndarray
        Electricity [kWh_el]; a float for scalar inputs.
    """
    return boiler_fuel_input(heat_kwh_th, efficiency)
