"""Device physics as pure array-in/array-out functions (PV, wind, heat, storage, load)."""

from agents.devices.pv import (
    XIAN_CLEARNESS,
    ClearnessParams,
    clearness_index_series,
    pv_power_kw,
    pv_profile_kw_per_kwp,
)
from agents.devices.weather import ambient_temperature_c, ar1_standard_normal

__all__ = [
    "XIAN_CLEARNESS",
    "ClearnessParams",
    "ambient_temperature_c",
    "ar1_standard_normal",
    "clearness_index_series",
    "pv_power_kw",
    "pv_profile_kw_per_kwp",
]
