"""Battery storage physics, vectorised over a fleet of storage units.

A fleet is a struct of arrays of shape ``(U,)``, one entry per storage unit. One step of length
``dt_h`` [h] works in this order:

1. **Self-discharge.** The energy above the minimum state of charge decays by the retention factor
   ``k = (1 - self_discharge_per_h) ** dt_h``::

       soc_sd = soc_min + (soc - soc_min) * k

   The reserve below ``soc_min`` is held by the battery management system and is not drawn down
   by self-discharge, so a unit left idle never leaves its state-of-charge window.
2. **Clipping.** A request ``p > 0`` charges from the bus, ``p < 0`` discharges to the bus. The
   alternating-current (AC) power is clipped to the power limit and to the room left in the SoC
   window after self-discharge.
3. **Conversion.** Charging ``c`` [kW AC] stores ``eta_charge * c * dt_h`` [kWh]; discharging ``d``
   [kW AC] removes ``d * dt_h / eta_discharge`` [kWh]::

       soc_next = soc_sd + eta_charge * c * dt_h - d * dt_h / eta_discharge

Throughput and degradation are counted on the AC side (energy drawn from plus delivered to the
bus). The step is affine in ``(soc, c, d)``, so an optimiser can reproduce it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Relative tolerance [-] (times nameplate energy) accepted on a state of charge passed in.
SOC_TOLERANCE_FRAC = 1e-9


class BatteryInputError(ValueError):
    """A battery parameter, state of charge or power request is malformed or out of range."""


def _as_float_array(name: str, value: ArrayLike) -> FloatArray:
    array = np.array(value, dtype=np.float64)
    if array.ndim > 1:
        raise BatteryInputError(f"{name} must be a scalar or 1-D array; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise BatteryInputError(f"{name} must be finite; got {array.tolist()}")
    return array


def _check_range(
    name: str, array: FloatArray, low: float, high: float, *, low_open: bool = False
) -> None:
    bad = (array <= low) if low_open else (array < low)
    bad |= array > high
    if np.any(bad):
        bracket = "(" if low_open else "["
        raise BatteryInputError(
            f"{name} must lie in {bracket}{low}, {high}]; got {array[bad].tolist()[:5]}"
        )


@dataclass(frozen=True)
class BatteryFleet:
    """Storage units of one park (firm-owned and shared), arrays of shape ``(U,)``.

    Attributes
    ----------
    energy_kwh
        Nameplate energy [kWh], ``>= 0``.
    power_kw
        AC power limit for both charge and discharge [kW], ``>= 0``.
    eta_charge
        Charging efficiency [-], in ``(0, 1]``: stored energy per kWh drawn from the bus.
    eta_discharge
        Discharging efficiency [-], in ``(0, 1]``: kWh delivered per kWh taken from storage.
    soc_min_frac, soc_max_frac
        State-of-charge window as fractions of ``energy_kwh`` [-],
        ``0 <= soc_min_frac <= soc_max_frac <= 1``.
    self_discharge_per_h
        Fraction of the energy above ``soc_min`` lost per hour [1/h], in ``[0, 1)``.
    degradation_cny_per_kwh
        Wear cost per kWh of AC throughput (charge drawn plus discharge delivered) [CNY/kWh].

    Scalars broadcast to the length of ``energy_kwh``; the stored arrays are read-only copies.
    """

    energy_kwh: FloatArray
    power_kw: FloatArray
    eta_charge: FloatArray
    eta_discharge: FloatArray
    soc_min_frac: FloatArray
    soc_max_frac: FloatArray
    self_discharge_per_h: FloatArray
    degradation_cny_per_kwh: FloatArray

    def __post_init__(self) -> None:
        energy = _as_float_array("energy_kwh", self.energy_kwh).reshape(-1)
        n_units = energy.shape[0]
        for name in self.__dataclass_fields__:
            array = energy if name == "energy_kwh" else _as_float_array(name, getattr(self, name))
            if array.ndim == 0:
                array = np.full(n_units, float(array))
            if array.shape != (n_units,):
                raise BatteryInputError(
                    f"{name} must have shape ({n_units},) like energy_kwh; got {array.shape}"
                )
            array = array.copy()
            array.flags.writeable = False
            object.__setattr__(self, name, array)
        _check_range("energy_kwh", self.energy_kwh, 0.0, np.inf)
        _check_range("power_kw", self.power_kw, 0.0, np.inf)
        _check_range("eta_charge", self.eta_charge, 0.0, 1.0, low_open=True)
        _check_range("eta_discharge", self.eta_discharge, 0.0, 1.0, low_open=True)
        _check_range("soc_min_frac", self.soc_min_frac, 0.0, 1.0)
        _check_range("soc_max_frac", self.soc_max_frac, 0.0, 1.0)
        _check_range("self_discharge_per_h", self.self_discharge_per_h, 0.0, 1.0 - 1e-12)
        _check_range("degradation_cny_per_kwh", self.degradation_cny_per_kwh, 0.0, np.inf)
        inverted = self.soc_min_frac > self.soc_max_frac
        if np.any(inverted):
            raise BatteryInputError(
                "soc_min_frac must not exceed soc_max_frac; got "
                f"min {self.soc_min_frac[inverted].tolist()[:5]} > "
                f"max {self.soc_max_frac[inverted].tolist()[:5]}"
            )

    @classmethod
    def from_c_rate(
        cls,
        energy_kwh: ArrayLike,
        c_rate_per_h: ArrayLike,
        *,
        eta_charge: ArrayLike = 0.95,
        eta_discharge: ArrayLike = 0.95,
        soc_min_frac: ArrayLike = 0.1,
        soc_max_frac: ArrayLike = 0.9,
        self_discharge_per_h: ArrayLike = 0.0,
        degradation_cny_per_kwh: ArrayLike = 0.0,
    ) -> BatteryFleet:
        """Build a fleet whose power limit is ``c_rate_per_h × energy_kwh`` [kW].

        Parameters
        ----------
        energy_kwh
            Nameplate energy per unit [kWh].
        c_rate_per_h
            C-rate [1/h], ``>= 0``: 0.5 means a full charge takes two hours at the limit.
        eta_charge, eta_discharge, soc_min_frac, soc_max_frac, self_discharge_per_h,
        degradation_cny_per_kwh
            As the attributes of :class:`BatteryFleet`; scalars broadcast over units.
        """
        energy = _as_float_array("energy_kwh", energy_kwh)
        c_rate = _as_float_array("c_rate_per_h", c_rate_per_h)
        _check_range("c_rate_per_h", c_rate, 0.0, np.inf)
        if c_rate.ndim == 1 and c_rate.shape != energy.reshape(-1).shape:
            raise BatteryInputError(
                f"c_rate_per_h must be a scalar or have shape {energy.reshape(-1).shape} like "
                f"energy_kwh; got shape {c_rate.shape}"
            )
        return cls(
            energy_kwh=energy,
            power_kw=c_rate * energy,
            eta_charge=np.asarray(eta_charge, dtype=np.float64),
            eta_discharge=np.asarray(eta_discharge, dtype=np.float64),
            soc_min_frac=np.asarray(soc_min_frac, dtype=np.float64),
            soc_max_frac=np.asarray(soc_max_frac, dtype=np.float64),
            self_discharge_per_h=np.asarray(self_discharge_per_h, dtype=np.float64),
            degradation_cny_per_kwh=np.asarray(degradation_cny_per_kwh, dtype=np.float64),
        )

    @classmethod
    def empty(cls) -> BatteryFleet:
        """A fleet with no storage units (a park without batteries)."""
        return cls.from_c_rate(np.zeros(0), 0.0)

    @property
    def n_units(self) -> int:
        """Number of storage units ``U``."""
        return int(self.energy_kwh.shape[0])

    @property
    def soc_min_kwh(self) -> FloatArray:
        """Lower bound of stored energy [kWh], shape ``(U,)``."""
        return self.soc_min_frac * self.energy_kwh

    @property
    def soc_max_kwh(self) -> FloatArray:
        """Upper bound of stored energy [kWh], shape ``(U,)``."""
        return self.soc_max_frac * self.energy_kwh


class BatteryStep(NamedTuple):
    """Result of one battery step, each field an array of shape ``(U,)``.

    Attributes
    ----------
    soc_kwh
        Stored energy at the end of the step [kWh].
    charge_kw
        AC power drawn from the bus [kW], ``>= 0``.
    discharge_kw
        AC power delivered to the bus [kW], ``>= 0``.
    throughput_kwh
        AC energy charged plus discharged during the step [kWh].
    loss_kwh
        Energy lost to conversion and self-discharge during the step [kWh], so that
        ``soc_next - soc = (charge_kw - discharge_kw) * dt_h - loss_kwh``.
    degradation_cny
        Wear cost of the throughput [CNY].
    """

    soc_kwh: FloatArray
    charge_kw: FloatArray
    discharge_kw: FloatArray
    throughput_kwh: FloatArray
    loss_kwh: FloatArray
    degradation_cny: FloatArray


def battery_degradation_cost_cny_per_kwh(
    replacement_cost_cny_per_kwh: ArrayLike,
    cycle_life: ArrayLike,
    depth_of_discharge: ArrayLike,
) -> FloatArray:
    """Wear cost per kWh of throughput [CNY/kWh].

    One cycle at depth of discharge ``DoD`` moves ``2 × DoD`` kWh per kWh of nameplate energy
    (charge plus discharge), so a battery that lasts ``cycle_life`` cycles wears out after
    ``2 × cycle_life × DoD`` kWh of throughput per kWh of nameplate::

        cost = replacement_cost / (2 × cycle_life × DoD)

    Parameters
    ----------
    replacement_cost_cny_per_kwh
        Cost of replacing one kWh of nameplate energy [CNY/kWh], ``>= 0``.
    cycle_life
        Number of full cycles at ``depth_of_discharge`` before replacement [-], ``> 0``.
    depth_of_discharge
        Usable depth of discharge [-], in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray
        Cost per kWh of throughput [CNY/kWh], broadcast shape of the inputs.
    """
    cost = _as_float_array("replacement_cost_cny_per_kwh", replacement_cost_cny_per_kwh)
    life = _as_float_array("cycle_life", cycle_life)
    dod = _as_float_array("depth_of_discharge", depth_of_discharge)
    _check_range("replacement_cost_cny_per_kwh", cost, 0.0, np.inf)
    _check_range("cycle_life", life, 0.0, np.inf, low_open=True)
    _check_range("depth_of_discharge", dod, 0.0, 1.0, low_open=True)
    return np.asarray(cost / (2.0 * life * dod), dtype=np.float64)


def retention_factor(dt_h: float, fleet: BatteryFleet) -> FloatArray:
    """Fraction of the energy above ``soc_min`` kept over ``dt_h`` hours [-], shape ``(U,)``."""
    return np.asarray((1.0 - fleet.self_discharge_per_h) ** dt_h, dtype=np.float64)


def soc_after_self_discharge_kwh(
    soc_kwh: FloatArray, dt_h: float, fleet: BatteryFleet
) -> FloatArray:
    """Stored energy after the self-discharge of one step [kWh], shape ``(U,)``."""
    floor = fleet.soc_min_kwh
    return floor + (soc_kwh - floor) * retention_factor(dt_h, fleet)


def charge_limit_kw(soc_kwh: FloatArray, dt_h: float, fleet: BatteryFleet) -> FloatArray:
    """Largest AC charging power each unit can take this step [kW], shape ``(U,)``.

    The lesser of the power limit and the room above the state of charge after self-discharge.
    """
    room_kwh = fleet.soc_max_kwh - soc_after_self_discharge_kwh(soc_kwh, dt_h, fleet)
    return np.clip(room_kwh / (fleet.eta_charge * dt_h), 0.0, fleet.power_kw)


def discharge_limit_kw(soc_kwh: FloatArray, dt_h: float, fleet: BatteryFleet) -> FloatArray:
    """Largest AC discharging power each unit can deliver this step [kW], shape ``(U,)``."""
    usable_kwh = soc_after_self_discharge_kwh(soc_kwh, dt_h, fleet) - fleet.soc_min_kwh
    return np.clip(usable_kwh * fleet.eta_discharge / dt_h, 0.0, fleet.power_kw)


def check_soc_kwh(soc_kwh: ArrayLike, fleet: BatteryFleet) -> FloatArray:
    """Validate a state of charge against the fleet and return it as a float array [kWh].

    Values within ``SOC_TOLERANCE_FRAC × energy`` outside the window are pulled back inside;
    larger deviations raise :class:`BatteryInputError`.
    """
    soc = _as_float_array("soc_kwh", soc_kwh).reshape(-1)
    if soc.shape != (fleet.n_units,):
        raise BatteryInputError(
            f"soc_kwh must have shape ({fleet.n_units},) like the fleet; got {soc.shape}"
        )
    tolerance = SOC_TOLERANCE_FRAC * np.maximum(fleet.energy_kwh, 1.0)
    low, high = fleet.soc_min_kwh, fleet.soc_max_kwh
    outside = (soc < low - tolerance) | (soc > high + tolerance)
    if np.any(outside):
        raise BatteryInputError(
            "soc_kwh must lie in [soc_min_frac, soc_max_frac] × energy_kwh; got "
            f"{soc[outside].tolist()[:5]} for windows "
            f"{list(zip(low[outside].tolist(), high[outside].tolist(), strict=True))[:5]}"
        )
    return np.clip(soc, low, high)


def battery_step(
    soc_kwh: ArrayLike, power_request_kw: ArrayLike, dt_h: float, fleet: BatteryFleet
) -> BatteryStep:
    """Advance every storage unit by one step.

    Parameters
    ----------
    soc_kwh
        Stored energy at the start of the step [kWh], shape ``(U,)``, inside the SoC window.
    power_request_kw
        Requested AC power [kW], shape ``(U,)`` or scalar: ``> 0`` charges from the bus,
        ``< 0`` discharges to the bus.
    dt_h
        Step length [h], ``> 0``.
    fleet
        The storage units.

    Returns
    -------
    BatteryStep
        Next state of charge, the clipped AC flows, throughput, losses and wear cost.

    Raises
    ------
    BatteryInputError
        If a shape does not match the fleet, a value is not finite, ``dt_h <= 0`` or the state
        of charge lies outside its window.
    """
    if not (np.isfinite(dt_h) and dt_h > 0.0):
        raise BatteryInputError(f"dt_h must be a finite number > 0 hours; got {dt_h!r}")
    soc = check_soc_kwh(soc_kwh, fleet)
    request = _as_float_array("power_request_kw", power_request_kw)
    if request.ndim == 0:
        request = np.full(fleet.n_units, float(request))
    if request.shape != (fleet.n_units,):
        raise BatteryInputError(
            f"power_request_kw must have shape ({fleet.n_units},) like the fleet; "
            f"got {request.shape}"
        )
    return battery_step_trusted(soc, request, dt_h, fleet)


def battery_step_trusted(
    soc_kwh: FloatArray, power_request_kw: FloatArray, dt_h: float, fleet: BatteryFleet
) -> BatteryStep:
    """:func:`battery_step` without input checks, for hot loops over validated state.

    ``soc_kwh`` and ``power_request_kw`` must be float arrays of shape ``(U,)`` with the state of
    charge inside its window and ``dt_h > 0``; the simulation engine guarantees this by
    construction. Same physics and results as :func:`battery_step`.
    """
    soc_min = fleet.soc_min_kwh
    soc_max = fleet.soc_max_kwh
    soc_sd = soc_min + (soc_kwh - soc_min) * (1.0 - fleet.self_discharge_per_h) ** dt_h
    # minimum(maximum(...)) is np.clip without its dispatch overhead (this runs every step).
    power = fleet.power_kw
    charge_max = np.minimum(np.maximum((soc_max - soc_sd) / (fleet.eta_charge * dt_h), 0.0), power)
    discharge_max = np.minimum(
        np.maximum((soc_sd - soc_min) * fleet.eta_discharge / dt_h, 0.0), power
    )
    charge = np.minimum(np.maximum(power_request_kw, 0.0), charge_max)
    discharge = np.minimum(np.maximum(-power_request_kw, 0.0), discharge_max)
    soc_next = soc_sd + fleet.eta_charge * charge * dt_h - discharge * dt_h / fleet.eta_discharge
    soc_next = np.minimum(np.maximum(soc_next, soc_min), soc_max)
    throughput = (charge + discharge) * dt_h
    loss = (charge - discharge) * dt_h - (soc_next - soc_kwh)
    return BatteryStep(
        soc_kwh=soc_next,
        charge_kw=charge,
        discharge_kw=discharge,
        throughput_kwh=throughput,
        loss_kwh=loss,
        degradation_cny=fleet.degradation_cny_per_kwh * throughput,
    )


def concat_fleets(first: BatteryFleet, second: BatteryFleet) -> BatteryFleet:
    """One fleet holding the units of ``first`` then those of ``second``."""
    return BatteryFleet(
        **{
            name: np.concatenate((getattr(first, name), getattr(second, name)))
            for name in BatteryFleet.__dataclass_fields__
        }
    )
