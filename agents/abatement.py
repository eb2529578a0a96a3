"""Abatement options of firms and their marginal abatement cost (MAC) curves.

A firm can lower its counted energy use [tce/yr] in a few ways: curtail output (cost = the lost
production margin per tce saved), move process heat from a fuel boiler to a heat pump or an
electric boiler, buy green power (deducted from counted use under the renewable-exclusion rule) or
carry out an efficiency retrofit. Each option has a capacity [tce/yr] and a unit cost [CNY/tce].

All firms are held together as padded arrays of shape ``(F, K)``: row ``f`` lists firm ``f``'s
options sorted by unit cost, cheapest first. Unused slots (and options with zero capacity) have
capacity 0, cost ``+inf`` and kind ``PADDING_KIND``, so they sort last and are never chosen.

The MAC of a firm at abatement level ``q`` is the cost of the option that supplies the unit at
``q``: for ``q`` in ``(cum[k-1], cum[k]]`` it is ``cost[k]``; at ``q = 0`` it is the cost of the
cheapest option (the next unit); beyond the firm's total capacity it is ``+inf``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

__all__ = [
    "AbatementInputError",
    "AbatementOptions",
    "LeastCostAbatement",
    "OptionKind",
    "PADDING_KIND",
    "abatement_at_price",
    "abatement_options",
    "cost_of_abatement",
    "curtailment_option",
    "green_power_option",
    "heat_electrification_option",
    "least_cost_abatement",
    "linear_mac_least_cost",
    "linear_mac_options",
    "mac_at",
    "mac_curve",
    "marginal_value_of_rights",
    "retrofit_option",
    "stack_options",
]

#: Calorific (equivalent) value of one kWh of energy [kgce/kWh]; also the fuel energy content used
#: to convert boiler fuel use into tce.
KGCE_PER_KWH_CALORIFIC = 0.1229

_ArrayT = TypeVar("_ArrayT", bound="np.ndarray[Any, Any]")

#: Kind code of padding slots.
PADDING_KIND = -1


class AbatementInputError(ValueError):
    """Raised when abatement inputs are malformed; the message names the field and value."""


class OptionKind(IntEnum):
    """Kind of an abatement option (stored as ``int8`` codes in :class:`AbatementOptions`)."""

    CURTAIL_OUTPUT = 0
    HEAT_PUMP = 1
    ELECTRIC_BOILER = 2
    GREEN_POWER = 3
    EFFICIENCY_RETROFIT = 4
    OTHER = 5
    OFFSET = 6
    """Offset credits (e.g. CCER) surrendered in place of allowances: counted, not physical."""


@dataclass(frozen=True, eq=False)
class AbatementOptions:
    """Abatement options of ``F`` firms, padded to ``K`` slots and sorted by cost per firm.

    Build it with :func:`abatement_options` (which validates, normalises and sorts); the arrays
    are read-only.

    Attributes
    ----------
    capacity_tce : NDArray[np.float64]
        Shape ``(F, K)``; abatement each option can deliver [tce/yr], ``>= 0``.
    cost_cny_per_tce : NDArray[np.float64]
        Shape ``(F, K)``; unit cost of each option [CNY/tce], ascending along each row; ``+inf``
        in padding slots. Negative costs (profitable options) are allowed.
    kind : NDArray[np.int8]
        Shape ``(F, K)``; :class:`OptionKind` codes, ``PADDING_KIND`` in padding slots.
    """

    capacity_tce: NDArray[np.float64]
    cost_cny_per_tce: NDArray[np.float64]
    kind: NDArray[np.int8]

    @property
    def n_firms(self) -> int:
        """Number of firms ``F``."""
        return int(self.capacity_tce.shape[0])

    @property
    def n_slots(self) -> int:
        """Number of option slots per firm ``K``."""
        return int(self.capacity_tce.shape[1])

    @property
    def total_capacity_tce(self) -> NDArray[np.float64]:
        """Total abatement capacity per firm [tce/yr], shape ``(F,)``."""
        return np.asarray(self.capacity_tce.sum(axis=1), dtype=np.float64)


@dataclass(frozen=True)
class LeastCostAbatement:
    """The cheapest way to abate a given total across all firms.

    Attributes
    ----------
    abatement_tce : NDArray[np.float64]
        Abatement per firm [tce/yr], shape ``(F,)``.
    marginal_cost_cny_per_tce : float
        Unit cost of the option supplying the last tce [CNY/tce]; for a total of zero, the cost
        of the cheapest option; ``nan`` if no firm has any capacity.
    total_cost_cny : float
        Total cost of the abatement [CNY/yr].
    """

    abatement_tce: NDArray[np.float64]
    marginal_cost_cny_per_tce: float
    total_cost_cny: float


def _as_2d(name: str, values: npt.ArrayLike) -> NDArray[np.float64]:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AbatementInputError(f"{name}: cannot be read as numbers ({exc})") from exc
    if arr.ndim != 2:
        raise AbatementInputError(
            f"{name}: expected a 2-D array of shape (firms, options), got shape {arr.shape}"
        )
    return arr


def _per_firm(name: str, values: npt.ArrayLike, n_firms: int) -> NDArray[np.float64]:
    """Broadcast a scalar or ``(F,)`` input to ``(F,)``; reject NaN and wrong shapes."""
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AbatementInputError(f"{name}: cannot be read as numbers ({exc})") from exc
    if arr.ndim == 0:
        arr = np.full(n_firms, float(arr))
    if arr.shape != (n_firms,):
        raise AbatementInputError(
            f"{name}: expected a scalar or shape ({n_firms},), got shape {arr.shape}"
        )
    if np.isnan(arr).any():
        bad = int(np.flatnonzero(np.isnan(arr))[0])
        raise AbatementInputError(f"{name}[{bad}] = nan; a number is required")
    return arr


def _frozen(arr: _ArrayT) -> _ArrayT:
    arr.flags.writeable = False
    return arr


def abatement_options(
    capacity_tce: npt.ArrayLike,
    cost_cny_per_tce: npt.ArrayLike,
    kind: npt.ArrayLike | None = None,
) -> AbatementOptions:
    """Validate, normalise and sort the abatement options of ``F`` firms.

    Parameters
    ----------
    capacity_tce : array_like, shape (F, K)
        Abatement capacity of each option [tce/yr]; finite and ``>= 0``. Zero marks an unused slot.
    cost_cny_per_tce : array_like, shape (F, K)
        Unit cost of each option [CNY/tce]; must be finite where the capacity is positive
        (ignored elsewhere).
    kind : array_like of int, shape (F, K), optional
        :class:`OptionKind` codes; ``OptionKind.OTHER`` if omitted.

    Returns
    -------
    AbatementOptions
        Rows sorted by cost (stable); zero-capacity slots moved to the end as padding.

    Raises
    ------
    AbatementInputError
        On shape mismatch, NaN or negative capacity, or non-finite cost of a used option.
    """
    cap = _as_2d("capacity_tce", capacity_tce)
    cost = _as_2d("cost_cny_per_tce", cost_cny_per_tce)
    if cost.shape != cap.shape:
        raise AbatementInputError(
            f"cost_cny_per_tce: shape {cost.shape} differs from capacity_tce shape {cap.shape}"
        )
    if kind is None:
        kinds = np.full(cap.shape, int(OptionKind.OTHER), dtype=np.int8)
    else:
        kinds = np.array(kind, dtype=np.int8)
        if kinds.shape != cap.shape:
            raise AbatementInputError(
                f"kind: shape {kinds.shape} differs from capacity_tce shape {cap.shape}"
            )
    bad_cap = ~np.isfinite(cap) | (cap < 0)
    if bad_cap.any():
        f, k = (int(i) for i in np.argwhere(bad_cap)[0])
        raise AbatementInputError(
            f"capacity_tce[{f}, {k}] = {cap[f, k]}; a finite value >= 0 is required"
        )
    used = cap > 0
    bad_cost = used & ~np.isfinite(cost)
    if bad_cost.any():
        f, k = (int(i) for i in np.argwhere(bad_cost)[0])
        raise AbatementInputError(
            f"cost_cny_per_tce[{f}, {k}] = {cost[f, k]}; a finite cost is required for an option "
            "with positive capacity"
        )
    cost = np.where(used, cost, np.inf)
    kinds = np.where(used, kinds, np.int8(PADDING_KIND)).astype(np.int8)
    order = np.argsort(cost, axis=1, kind="stable")
    return AbatementOptions(
        capacity_tce=_frozen(np.take_along_axis(cap, order, axis=1)),
        cost_cny_per_tce=_frozen(np.take_along_axis(cost, order, axis=1)),
        kind=_frozen(np.take_along_axis(kinds, order, axis=1)),
    )


def stack_options(*parts: AbatementOptions) -> AbatementOptions:
    """Join option sets of the same firms side by side and re-sort them by cost.

    Parameters
    ----------
    *parts : AbatementOptions
        Option sets with the same number of firms (e.g. one per option kind).

    Returns
    -------
    AbatementOptions
        Shape ``(F, sum of K)``.
    """
    if not parts:
        raise AbatementInputError("parts: at least one AbatementOptions is required")
    n_firms = {p.n_firms for p in parts}
    if len(n_firms) != 1:
        raise AbatementInputError(
            f"parts: all option sets must cover the same firms, got firm counts {sorted(n_firms)}"
        )
    return abatement_options(
        np.concatenate([p.capacity_tce for p in parts], axis=1),
        np.concatenate([p.cost_cny_per_tce for p in parts], axis=1),
        np.concatenate([p.kind for p in parts], axis=1),
    )


def _single_option(
    capacity_tce: NDArray[np.float64], cost_cny_per_tce: NDArray[np.float64], kind: OptionKind
) -> AbatementOptions:
    usable = capacity_tce > 0
    return abatement_options(
        np.where(usable, capacity_tce, 0.0)[:, None],
        np.where(usable, cost_cny_per_tce, np.inf)[:, None],
        np.full((capacity_tce.shape[0], 1), int(kind), dtype=np.int8),
    )


def _vector(name: str, values: npt.ArrayLike) -> NDArray[np.float64]:
    arr = np.atleast_1d(np.array(values, dtype=np.float64))
    if arr.ndim != 1:
        raise AbatementInputError(f"{name}: expected a 1-D array over firms, got {arr.shape}")
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise AbatementInputError(f"{name}[{bad}] = {arr[bad]}; a finite number is required")
    return arr


def _broadcast(**named: NDArray[np.float64]) -> list[NDArray[np.float64]]:
    try:
        return list(np.broadcast_arrays(*named.values()))
    except ValueError as exc:
        shapes = {k: v.shape for k, v in named.items()}
        raise AbatementInputError(f"inputs must have the same length over firms: {shapes}") from exc


def curtailment_option(
    output_cut_t: npt.ArrayLike,
    margin_cny_per_t: npt.ArrayLike,
    energy_intensity_tce_per_t: npt.ArrayLike,
) -> AbatementOptions:
    """Curtail output: the cost per tce saved is the lost production margin.

    Parameters
    ----------
    output_cut_t : array_like, shape (F,)
        Largest output reduction a firm would accept [t/yr], ``>= 0``.
    margin_cny_per_t : array_like, shape (F,)
        Production margin lost per tonne not produced [CNY/t].
    energy_intensity_tce_per_t : array_like, shape (F,)
        Counted energy use per tonne of output [tce/t], ``> 0`` where the cut is positive.

    Returns
    -------
    AbatementOptions
        One slot per firm: capacity ``cut * intensity`` [tce/yr], cost ``margin / intensity``
        [CNY/tce].
    """
    cut, margin, intensity = _broadcast(
        output_cut_t=_vector("output_cut_t", output_cut_t),
        margin_cny_per_t=_vector("margin_cny_per_t", margin_cny_per_t),
        energy_intensity_tce_per_t=_vector(
            "energy_intensity_tce_per_t", energy_intensity_tce_per_t
        ),
    )
    if (cut < 0).any():
        bad = int(np.flatnonzero(cut < 0)[0])
        raise AbatementInputError(f"output_cut_t[{bad}] = {cut[bad]}; must be >= 0")
    bad_int = (cut > 0) & (intensity <= 0)
    if bad_int.any():
        bad = int(np.flatnonzero(bad_int)[0])
        raise AbatementInputError(
            f"energy_intensity_tce_per_t[{bad}] = {intensity[bad]}; must be > 0 for a firm that "
            "can cut output"
        )
    safe = np.where(intensity > 0, intensity, 1.0)
    return _single_option(cut * intensity, margin / safe, OptionKind.CURTAIL_OUTPUT)


def heat_electrification_option(
    heat_kwh_th_per_yr: npt.ArrayLike,
    boiler_efficiency: npt.ArrayLike,
    fuel_price_cny_per_kwh: npt.ArrayLike,
    cop: npt.ArrayLike,
    electricity_price_cny_per_kwh: npt.ArrayLike,
    electricity_kgce_per_kwh: npt.ArrayLike,
    annualised_capex_cny_per_yr: npt.ArrayLike = 0.0,
    kind: OptionKind = OptionKind.HEAT_PUMP,
) -> AbatementOptions:
    """Move process heat from a fuel boiler to a heat pump (or an electric boiler, ``cop`` ≈ 1).

    Energy saved [tce/yr] = ``heat * (0.1229 / boiler_efficiency - e_coef / cop) / 1000``, with the
    fuel counted at its calorific value and the electricity at ``electricity_kgce_per_kwh``
    (equivalent 0.1229 or thermal-equivalent ≈ 0.30 kgce/kWh). Net cost [CNY/yr] = electricity
    bought − fuel no longer bought + annualised capital cost. Where the switch saves no counted
    energy (e.g. an electric boiler under thermal-equivalent accounting) the option has no capacity.

    Parameters
    ----------
    heat_kwh_th_per_yr : array_like, shape (F,)
        Heat moved [kWh_th/yr], ``>= 0``.
    boiler_efficiency : array_like, shape (F,)
        Efficiency of the fuel boiler replaced, in ``(0, 1]``.
    fuel_price_cny_per_kwh : array_like, shape (F,)
        Fuel price per kWh of fuel energy [CNY/kWh].
    cop : array_like, shape (F,)
        Seasonal coefficient of performance of the electric heater, ``> 0``.
    electricity_price_cny_per_kwh : array_like, shape (F,)
        Average electricity price paid for the heat [CNY/kWh].
    electricity_kgce_per_kwh : array_like, shape (F,)
        Conversion coefficient of electricity in the counted energy use [kgce/kWh].
    annualised_capex_cny_per_yr : array_like, shape (F,), optional
        Annualised investment cost [CNY/yr].
    kind : OptionKind, optional
        ``HEAT_PUMP`` (default) or ``ELECTRIC_BOILER``.

    Returns
    -------
    AbatementOptions
        One slot per firm.
    """
    heat, eff, p_fuel, c, p_el, e_coef, capex = _broadcast(
        heat_kwh_th_per_yr=_vector("heat_kwh_th_per_yr", heat_kwh_th_per_yr),
        boiler_efficiency=_vector("boiler_efficiency", boiler_efficiency),
        fuel_price_cny_per_kwh=_vector("fuel_price_cny_per_kwh", fuel_price_cny_per_kwh),
        cop=_vector("cop", cop),
        electricity_price_cny_per_kwh=_vector(
            "electricity_price_cny_per_kwh", electricity_price_cny_per_kwh
        ),
        electricity_kgce_per_kwh=_vector("electricity_kgce_per_kwh", electricity_kgce_per_kwh),
        annualised_capex_cny_per_yr=_vector(
            "annualised_capex_cny_per_yr", annualised_capex_cny_per_yr
        ),
    )
    for name, arr, ok in (
        ("heat_kwh_th_per_yr", heat, heat >= 0),
        ("boiler_efficiency", eff, (eff > 0) & (eff <= 1)),
        ("cop", c, c > 0),
    ):
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            allowed = {"heat_kwh_th_per_yr": ">= 0", "boiler_efficiency": "in (0, 1]"}.get(
                name, "> 0"
            )
            raise AbatementInputError(f"{name}[{bad}] = {arr[bad]}; must be {allowed}")
    saved_tce = heat * (KGCE_PER_KWH_CALORIFIC / eff - e_coef / c) / 1000.0
    net_cost_cny = heat * (p_el / c - p_fuel / eff) + capex
    positive = saved_tce > 0
    unit_cost = np.where(positive, net_cost_cny / np.where(positive, saved_tce, 1.0), np.inf)
    return _single_option(np.where(positive, saved_tce, 0.0), unit_cost, kind)


def green_power_option(
    green_mwh_per_yr: npt.ArrayLike,
    green_premium_cny_per_mwh: npt.ArrayLike,
    electricity_kgce_per_kwh: npt.ArrayLike,
    renewable_exclusion: bool,
) -> AbatementOptions:
    """Buy green power with certificates, deducted from counted energy use.

    Each MWh deducts ``electricity_kgce_per_kwh`` tce (kgce/kWh × 1000 kWh/MWh / 1000 kg/t), so the
    unit cost is ``premium / electricity_kgce_per_kwh`` [CNY/tce]; e.g. 40 CNY/MWh at 0.1229
    kgce/kWh is about 325 CNY/tce. Without the renewable-exclusion rule the option saves nothing
    and has no capacity.

    Parameters
    ----------
    green_mwh_per_yr : array_like, shape (F,)
        Green power a firm can contract [MWh/yr], ``>= 0``.
    green_premium_cny_per_mwh : array_like, shape (F,)
        Green premium over the energy price [CNY/MWh].
    electricity_kgce_per_kwh : array_like, shape (F,)
        Conversion coefficient of electricity in the counted energy use [kgce/kWh], ``> 0``.
    renewable_exclusion : bool
        Whether certificates are deducted from counted energy use.

    Returns
    -------
    AbatementOptions
        One slot per firm.
    """
    mwh, premium, e_coef = _broadcast(
        green_mwh_per_yr=_vector("green_mwh_per_yr", green_mwh_per_yr),
        green_premium_cny_per_mwh=_vector("green_premium_cny_per_mwh", green_premium_cny_per_mwh),
        electricity_kgce_per_kwh=_vector("electricity_kgce_per_kwh", electricity_kgce_per_kwh),
    )
    if (mwh < 0).any():
        bad = int(np.flatnonzero(mwh < 0)[0])
        raise AbatementInputError(f"green_mwh_per_yr[{bad}] = {mwh[bad]}; must be >= 0")
    if (e_coef <= 0).any():
        bad = int(np.flatnonzero(e_coef <= 0)[0])
        raise AbatementInputError(f"electricity_kgce_per_kwh[{bad}] = {e_coef[bad]}; must be > 0")
    capacity = mwh * e_coef if renewable_exclusion else np.zeros_like(mwh)
    return _single_option(capacity, premium / e_coef, OptionKind.GREEN_POWER)


def retrofit_option(
    energy_saved_tce_per_yr: npt.ArrayLike, annualised_cost_cny_per_yr: npt.ArrayLike
) -> AbatementOptions:
    """Efficiency retrofit: a fixed saving at an annualised net cost (may be negative).

    Parameters
    ----------
    energy_saved_tce_per_yr : array_like, shape (F,)
        Energy saved [tce/yr], ``>= 0``.
    annualised_cost_cny_per_yr : array_like, shape (F,)
        Annualised investment minus running savings [CNY/yr].

    Returns
    -------
    AbatementOptions
        One slot per firm with cost ``annualised_cost / energy_saved`` [CNY/tce].
    """
    saved, cost = _broadcast(
        energy_saved_tce_per_yr=_vector("energy_saved_tce_per_yr", energy_saved_tce_per_yr),
        annualised_cost_cny_per_yr=_vector(
            "annualised_cost_cny_per_yr", annualised_cost_cny_per_yr
        ),
    )
    if (saved < 0).any():
        bad = int(np.flatnonzero(saved < 0)[0])
        raise AbatementInputError(f"energy_saved_tce_per_yr[{bad}] = {saved[bad]}; must be >= 0")
    return _single_option(
        saved, cost / np.where(saved > 0, saved, 1.0), OptionKind.EFFICIENCY_RETROFIT
    )


def linear_mac_options(
    slope_cny_per_tce2: npt.ArrayLike, max_abatement_tce: npt.ArrayLike, n_steps: int
) -> AbatementOptions:
    """Step approximation of linear MACs, ``MAC_f(q) = a_f * q`` on ``[0, max_f]``.

    Each firm's range is split into ``n_steps`` equal segments of width ``max_f / n_steps``; a
    segment's unit cost is the MAC at its midpoint, so the total cost of whole segments equals the
    integral of the linear MAC exactly.

    Parameters
    ----------
    slope_cny_per_tce2 : array_like, shape (F,)
        Slope ``a_f`` of each MAC [CNY/tce per tce], ``> 0``.
    max_abatement_tce : array_like, shape (F,)
        Largest abatement of each firm [tce/yr], ``> 0``.
    n_steps : int
        Number of segments per firm, ``>= 1``.

    Returns
    -------
    AbatementOptions
        Shape ``(F, n_steps)``, kind ``OTHER``.
    """
    if not isinstance(n_steps, int | np.integer) or n_steps < 1:
        raise AbatementInputError(f"n_steps = {n_steps!r}; an integer >= 1 is required")
    slope, max_q = _broadcast(
        slope_cny_per_tce2=_vector("slope_cny_per_tce2", slope_cny_per_tce2),
        max_abatement_tce=_vector("max_abatement_tce", max_abatement_tce),
    )
    for name, arr in (("slope_cny_per_tce2", slope), ("max_abatement_tce", max_q)):
        if (arr <= 0).any():
            bad = int(np.flatnonzero(arr <= 0)[0])
            raise AbatementInputError(f"{name}[{bad}] = {arr[bad]}; must be > 0")
    width = max_q / n_steps
    midpoints = (np.arange(n_steps) + 0.5)[None, :] * width[:, None]
    return abatement_options(np.repeat(width[:, None], n_steps, axis=1), slope[:, None] * midpoints)


def linear_mac_least_cost(
    slope_cny_per_tce2: npt.ArrayLike, total_tce: float
) -> tuple[float, NDArray[np.float64]]:
    """Textbook equilibrium of firms with linear MACs ``MAC_f(q) = a_f * q`` (no capacity limit).

    The price equalising marginal costs while abating ``total_tce`` is
    ``p* = total / sum(1 / a_f)`` and each firm abates ``q_f = p* / a_f``.

    Parameters
    ----------
    slope_cny_per_tce2 : array_like, shape (F,)
        MAC slopes [CNY/tce per tce], ``> 0``.
    total_tce : float
        Required total abatement [tce/yr], ``>= 0``.

    Returns
    -------
    tuple[float, NDArray[np.float64]]
        ``(p* [CNY/tce], q [tce/yr] per firm)``.
    """
    slope = _vector("slope_cny_per_tce2", slope_cny_per_tce2)
    if (slope <= 0).any():
        bad = int(np.flatnonzero(slope <= 0)[0])
        raise AbatementInputError(f"slope_cny_per_tce2[{bad}] = {slope[bad]}; must be > 0")
    if not np.isfinite(total_tce) or total_tce < 0:
        raise AbatementInputError(f"total_tce = {total_tce}; a finite value >= 0 is required")
    price = float(total_tce) / float(np.sum(1.0 / slope))
    return price, price / slope


def mac_curve(options: AbatementOptions) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The step MAC curve of every firm.

    Parameters
    ----------
    options : AbatementOptions
        Options of ``F`` firms.

    Returns
    -------
    cum_tce : NDArray[np.float64]
        Shape ``(F, K)``; cumulative abatement at the end of each step [tce/yr].
    cost : NDArray[np.float64]
        Shape ``(F, K)``; unit cost of each step [CNY/tce], ascending (``+inf`` in padding).
    """
    return np.cumsum(options.capacity_tce, axis=1), np.array(options.cost_cny_per_tce)


def mac_at(abatement_tce: npt.ArrayLike, options: AbatementOptions) -> NDArray[np.float64]:
    """Marginal abatement cost of each firm at a given abatement level [CNY/tce].

    Parameters
    ----------
    abatement_tce : array_like, scalar or shape (F,)
        Abatement level [tce/yr], ``>= 0``.
    options : AbatementOptions
        Options of ``F`` firms.

    Returns
    -------
    NDArray[np.float64]
        Shape ``(F,)``; the cost of the option supplying the unit at that level; the cheapest
        option's cost at level 0; ``+inf`` beyond the firm's capacity.
    """
    level = _per_firm("abatement_tce", abatement_tce, options.n_firms)
    if (level < 0).any():
        bad = int(np.flatnonzero(level < 0)[0])
        raise AbatementInputError(f"abatement_tce[{bad}] = {level[bad]}; must be >= 0")
    cum = np.cumsum(options.capacity_tce, axis=1)
    index = (cum < level[:, None]).sum(axis=1)
    padded = np.concatenate(
        [options.cost_cny_per_tce, np.full((options.n_firms, 1), np.inf)], axis=1
    )
    return np.asarray(np.take_along_axis(padded, index[:, None], axis=1)[:, 0], dtype=np.float64)


def abatement_at_price(
    price_cny_per_tce: npt.ArrayLike, options: AbatementOptions
) -> NDArray[np.float64]:
    """Abatement each firm carries out when a tce is worth ``price`` [tce/yr].

    A firm takes every option whose unit cost is at or below the price (at equality it is
    indifferent and takes the option).

    Parameters
    ----------
    price_cny_per_tce : array_like, scalar or shape (F,)
        Price or value of a tce [CNY/tce]; not NaN.
    options : AbatementOptions
        Options of ``F`` firms.

    Returns
    -------
    NDArray[np.float64]
        Shape ``(F,)``.
    """
    price = _per_firm("price_cny_per_tce", price_cny_per_tce, options.n_firms)
    taken = options.cost_cny_per_tce <= price[:, None]
    return np.asarray(np.where(taken, options.capacity_tce, 0.0).sum(axis=1), dtype=np.float64)


def cost_of_abatement(amount_tce: npt.ArrayLike, options: AbatementOptions) -> NDArray[np.float64]:
    """Least cost for each firm to abate ``amount`` on its own MAC curve [CNY/yr].

    Parameters
    ----------
    amount_tce : array_like, scalar or shape (F,)
        Abatement per firm [tce/yr], ``>= 0``.
    options : AbatementOptions
        Options of ``F`` firms.

    Returns
    -------
    NDArray[np.float64]
        Shape ``(F,)``; the area under the MAC curve from 0 to the amount; ``+inf`` where the
        amount exceeds the firm's capacity.
    """
    amount = _per_firm("amount_tce", amount_tce, options.n_firms)
    if (amount < 0).any():
        bad = int(np.flatnonzero(amount < 0)[0])
        raise AbatementInputError(f"amount_tce[{bad}] = {amount[bad]}; must be >= 0")
    cap = options.capacity_tce
    cum = np.cumsum(cap, axis=1)
    taken = np.clip(amount[:, None] - (cum - cap), 0.0, cap)
    total = (taken * np.where(taken > 0, options.cost_cny_per_tce, 0.0)).sum(axis=1)
    capacity = cum[:, -1] if options.n_slots else np.zeros(options.n_firms)
    beyond = amount > capacity * (1.0 + 1e-12) + 1e-12
    return np.asarray(np.where(beyond, np.inf, total), dtype=np.float64)


def least_cost_abatement(total_tce: float, options: AbatementOptions) -> LeastCostAbatement:
    """The efficient split of a total abatement across firms (cheapest options first).

    Used as the benchmark for cost-effectiveness: any other split of the same total costs at least
    as much. Options of equal cost are used in firm order.

    Parameters
    ----------
    total_tce : float
        Total abatement required [tce/yr], ``>= 0`` and at most the summed capacity.
    options : AbatementOptions
        Options of ``F`` firms.

    Returns
    -------
    LeastCostAbatement

    Raises
    ------
    AbatementInputError
        If the total is negative, NaN or larger than all firms can abate together.
    """
    total = float(total_tce)
    if not np.isfinite(total) or total < 0:
        raise AbatementInputError(f"total_tce = {total_tce}; a finite value >= 0 is required")
    cap = options.capacity_tce.ravel()
    cost = options.cost_cny_per_tce.ravel()
    firm = np.repeat(np.arange(options.n_firms), options.n_slots)
    used = cap > 0
    cap, cost, firm = cap[used], cost[used], firm[used]
    available = float(cap.sum())
    if total > available * (1.0 + 1e-12) + 1e-12:
        raise AbatementInputError(
            f"total_tce = {total}; exceeds the total abatement capacity {available} tce"
        )
    order = np.argsort(cost, kind="stable")
    cap, cost, firm = cap[order], cost[order], firm[order]
    cum = np.cumsum(cap)
    taken = np.clip(total - (cum - cap), 0.0, cap)
    abatement = np.bincount(firm, weights=taken, minlength=options.n_firms)
    if cap.size == 0:
        marginal = float("nan")
    else:
        last = min(int(np.searchsorted(cum, total, side="left")), cap.size - 1)
        marginal = float(cost[last])
    total_cost = float((taken * np.where(taken > 0, cost, 0.0)).sum())
    return LeastCostAbatement(
        abatement_tce=abatement.astype(np.float64),
        marginal_cost_cny_per_tce=marginal,
        total_cost_cny=total_cost,
    )


def marginal_value_of_rights(
    position_tce: npt.ArrayLike,
    options: AbatementOptions,
    penalty_cny_per_tce: npt.ArrayLike,
    *,
    surplus_value_cny_per_tce: npt.ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Value to each firm of its marginal tce of energy-use rights [CNY/tce].

    ``position = rights held − counted energy use before any further abatement`` [tce].

    * Short firm (position < 0, shortfall ``s = −position``): one more right spares the last unit of
      abatement it would otherwise need, so its willingness to pay is ``MAC(s)``, capped by the
      penalty (it can always pay the penalty instead); beyond its capacity it is the penalty.
    * Long firm (position ≥ 0): the marginal right is surplus, so its reservation price to sell is
      ``surplus_value`` (0 without banking, or the expected value of a banked right). Selling more
      than the surplus needs abatement priced by the MAC curve from its start; bidding strategies
      expand the whole schedule step by step.

    Parameters
    ----------
    position_tce : array_like, scalar or shape (F,)
        Rights held minus counted use [tce].
    options : AbatementOptions
        Options of ``F`` firms.
    penalty_cny_per_tce : array_like, scalar or shape (F,)
        Penalty per tce of shortfall [CNY/tce], ``>= 0`` (``+inf`` allowed).
    surplus_value_cny_per_tce : array_like, scalar or shape (F,), optional
        Value of a surplus right to its holder [CNY/tce]; default 0.

    Returns
    -------
    NDArray[np.float64]
        Shape ``(F,)``.
    """
    position = _per_firm("position_tce", position_tce, options.n_firms)
    penalty = _per_firm("penalty_cny_per_tce", penalty_cny_per_tce, options.n_firms)
    if (penalty < 0).any():
        bad = int(np.flatnonzero(penalty < 0)[0])
        raise AbatementInputError(f"penalty_cny_per_tce[{bad}] = {penalty[bad]}; must be >= 0")
    surplus_value = _per_firm(
        "surplus_value_cny_per_tce", surplus_value_cny_per_tce, options.n_firms
    )
    shortfall = np.maximum(-position, 0.0)
    short_value = np.minimum(mac_at(shortfall, options), penalty)
    return np.asarray(np.where(position < 0, short_value, surplus_value), dtype=np.float64)
