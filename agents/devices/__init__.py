"""Device physics as pure array-in/array-out functions (PV, wind, heat, storage, load).

Names are loaded on first use, so importing one device module (e.g. the battery) does not pull
in pvlib and scipy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.devices.boilers import (
        BoilerInputError,
        boiler_fuel_input,
        coal_kg_for_heat,
        coal_kg_from_energy_kwh,
        electric_boiler_kwh_for_heat,
        gas_m3_for_heat,
        gas_m3_from_energy_kwh,
    )
    from agents.devices.flexible_load import FlexibleLoadInputError, shift_flexible_load_kw
    from agents.devices.heat_pump import (
        HeatPumpInputError,
        heat_pump_can_serve,
        heat_pump_cop,
        heat_pump_electricity_kw,
    )
    from agents.devices.pv import (
        XIAN_CLEARNESS,
        XIAN_TARGET_YIELD_KWH_PER_KWP,
        ClearnessParams,
        PVInputError,
        clearness_index_series,
        pv_power_kw,
        pv_profile_from_clearness_kw_per_kwp,
        pv_profile_kw_per_kwp,
    )
    from agents.devices.thermal_storage import (
        ThermalStorageInputError,
        ThermalStorageStep,
        thermal_storage_step,
    )
    from agents.devices.weather import WeatherInputError, ambient_temperature_c, ar1_standard_normal
    from agents.devices.wind import (
        WindInputError,
        shear_to_hub_height,
        weibull_wind_speed_m_s,
        wind_power_kw,
    )

_MODULE_OF = {
    "BoilerInputError": "boilers",
    "ClearnessParams": "pv",
    "FlexibleLoadInputError": "flexible_load",
    "HeatPumpInputError": "heat_pump",
    "PVInputError": "pv",
    "ThermalStorageInputError": "thermal_storage",
    "ThermalStorageStep": "thermal_storage",
    "WeatherInputError": "weather",
    "WindInputError": "wind",
    "XIAN_CLEARNESS": "pv",
    "XIAN_TARGET_YIELD_KWH_PER_KWP": "pv",
    "ambient_temperature_c": "weather",
    "ar1_standard_normal": "weather",
    "boiler_fuel_input": "boilers",
    "clearness_index_series": "pv",
    "coal_kg_for_heat": "boilers",
    "coal_kg_from_energy_kwh": "boilers",
    "electric_boiler_kwh_for_heat": "boilers",
    "gas_m3_for_heat": "boilers",
    "gas_m3_from_energy_kwh": "boilers",
    "heat_pump_can_serve": "heat_pump",
    "heat_pump_cop": "heat_pump",
    "heat_pump_electricity_kw": "heat_pump",
    "pv_power_kw": "pv",
    "pv_profile_from_clearness_kw_per_kwp": "pv",
    "pv_profile_kw_per_kwp": "pv",
    "shear_to_hub_height": "wind",
    "shift_flexible_load_kw": "flexible_load",
    "thermal_storage_step": "thermal_storage",
    "weibull_wind_speed_m_s": "wind",
    "wind_power_kw": "wind",
}

__all__ = [
    "XIAN_CLEARNESS",
    "XIAN_TARGET_YIELD_KWH_PER_KWP",
    "BoilerInputError",
    "ClearnessParams",
    "FlexibleLoadInputError",
    "HeatPumpInputError",
    "PVInputError",
    "ThermalStorageInputError",
    "ThermalStorageStep",
    "WeatherInputError",
    "WindInputError",
    "ambient_temperature_c",
    "ar1_standard_normal",
    "boiler_fuel_input",
    "clearness_index_series",
    "coal_kg_for_heat",
    "coal_kg_from_energy_kwh",
    "electric_boiler_kwh_for_heat",
    "gas_m3_for_heat",
    "gas_m3_from_energy_kwh",
    "heat_pump_can_serve",
    "heat_pump_cop",
    "heat_pump_electricity_kw",
    "pv_power_kw",
    "pv_profile_from_clearness_kw_per_kwp",
    "pv_profile_kw_per_kwp",
    "shear_to_hub_height",
    "shift_flexible_load_kw",
    "thermal_storage_step",
    "weibull_wind_speed_m_s",
    "wind_power_kw",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'agents.devices' has no attribute {name!r}")
    value = getattr(import_module(f"agents.devices.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
