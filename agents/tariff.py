"""Time-of-use electricity tariffs and the bills they produce.

A :class:`TouTariff` is a set of daily periods (``"HH:MM"`` to ``"HH:MM"``, a period may wrap
midnight) that together cover the 24 hours of a day exactly once, each with an energy price
[CNY/kWh], plus a demand charge [CNY/kW-month] on the highest import of each billing period and a
flat export (feed-in) price [CNY/kWh].

The default built by :func:`tariff_from_ratios` is the assumed Shaanxi pattern (not verified
against the provincial notice; every scenario may override it): peak 08:00-11:30 and 18:30-23:00,
valley 23:00-07:00, flat otherwise, at 1.5 : 1 : 0.5 of the flat price. Its peak-to-valley ratio
of 3 meets the national rule of at least 3:1.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # numpy is imported where arrays are computed, so checking a tariff's periods (the
    # scenario schema does) does not load it.
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    FloatArray = NDArray[np.float64]

MINUTES_PER_DAY = 24 * 60

#: Assumed Shaanxi peak periods (reference-data.md, status: assumed).
SHAANXI_PEAK_PERIODS: tuple[tuple[str, str], ...] = (("08:00", "11:30"), ("18:30", "23:00"))
#: Assumed Shaanxi valley periods (reference-data.md, status: assumed).
SHAANXI_VALLEY_PERIODS: tuple[tuple[str, str], ...] = (("23:00", "07:00"),)

_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


class TariffInputError(ValueError):
    """A tariff definition or a billing input is malformed or out of range."""


def clock_to_minutes(clock: str, *, field: str = "time") -> int:
    """Minutes after midnight of a ``"HH:MM"`` clock time (``"24:00"`` gives 1440)."""
    match = _CLOCK.match(clock) if isinstance(clock, str) else None
    if match is None:
        raise TariffInputError(f"{field} must be a 'HH:MM' string; got {clock!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes > 0):
        raise TariffInputError(f"{field} must lie between '00:00' and '24:00'; got {clock!r}")
    return hours * 60 + minutes


@dataclass(frozen=True)
class TouPeriod:
    """One priced period of the day.

    Attributes
    ----------
    name
        Band name, e.g. ``"peak"``, ``"flat"``, ``"valley"``.
    start, end
        Clock times ``"HH:MM"``; the period covers ``[start, end)`` and wraps midnight when
        ``end <= start`` (``start == end`` covers the whole day).
    price_cny_per_kwh
        Energy price [CNY/kWh], finite and ``>= 0``.
    """

    name: str
    start: str
    end: str
    price_cny_per_kwh: float

    def __post_init__(self) -> None:
        start = clock_to_minutes(self.start, field=f"period {self.name!r} start")
        clock_to_minutes(self.end, field=f"period {self.name!r} end")
        if start == MINUTES_PER_DAY:
            raise TariffInputError(
                f"period {self.name!r} start must be before '24:00'; got {self.start!r}"
            )
        price = self.price_cny_per_kwh
        if not (isinstance(price, int | float) and math.isfinite(price) and price >= 0.0):
            raise TariffInputError(
                f"period {self.name!r} price_cny_per_kwh must be a finite number >= 0; "
                f"got {price!r}"
            )

    def intervals_min(self) -> list[tuple[int, int]]:
        """The period as non-wrapping ``[start, end)`` intervals in minutes after midnight."""
        start = clock_to_minutes(self.start)
        end = clock_to_minutes(self.end)
        if end > start:
            return [(start, end)]
        pieces = [(start, MINUTES_PER_DAY)]
        if end > 0:
            pieces.append((0, end))
        return pieces


@dataclass(frozen=True)
class TouTariff:
    """A time-of-use tariff.

    Attributes
    ----------
    periods
        Periods that together cover every minute of the day exactly once.
    demand_charge_cny_per_kw_month
        Charge on the highest import of each billing period [CNY/kW per period], ``>= 0``.
    export_price_cny_per_kwh
        Price paid for energy exported to the grid [CNY/kWh], ``>= 0``.
    """

    periods: tuple[TouPeriod, ...]
    demand_charge_cny_per_kw_month: float = 0.0
    export_price_cny_per_kwh: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.periods, tuple) or not self.periods:
            raise TariffInputError(
                f"periods must be a non-empty tuple of TouPeriod; got {self.periods!r}"
            )
        for period in self.periods:
            if not isinstance(period, TouPeriod):
                raise TariffInputError(f"periods must hold TouPeriod objects; got {period!r}")
        for name in ("demand_charge_cny_per_kw_month", "export_price_cny_per_kwh"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0.0):
                raise TariffInputError(f"{name} must be a finite number >= 0; got {value!r}")
        _segments(self.periods)


@lru_cache(maxsize=256)
def _segments(periods: tuple[TouPeriod, ...]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Sorted segment starts [h], segment prices [CNY/kWh] and the day's price integral.

    The third array is the cumulative integral of the price at each segment boundary
    [CNY/kW], with one more entry than segments (the last is the price integral of a full day).
    """
    import numpy as np

    pieces: list[tuple[int, int, float]] = []
    for period in periods:
        pieces.extend((a, b, period.price_cny_per_kwh) for a, b in period.intervals_min())
    pieces.sort()
    cursor = 0
    for start, end, _ in pieces:
        if start != cursor:
            problem = "overlap" if start < cursor else "leave a gap"
            raise TariffInputError(
                f"periods must cover 00:00-24:00 exactly once; they {problem} at "
                f"{min(start, cursor) // 60:02d}:{min(start, cursor) % 60:02d}"
            )
        cursor = end
    if cursor != MINUTES_PER_DAY:
        raise TariffInputError(
            f"periods must cover 00:00-24:00 exactly once; they stop at "
            f"{cursor // 60:02d}:{cursor % 60:02d}"
        )
    starts_h = np.array([p[0] for p in pieces], dtype=np.float64) / 60.0
    prices = np.array([p[2] for p in pieces], dtype=np.float64)
    bounds_h = np.append(starts_h, 24.0)
    integral = np.concatenate(([0.0], np.cumsum(prices * np.diff(bounds_h))))
    for array in (starts_h, prices, integral):
        array.flags.writeable = False
    return starts_h, prices, integral


def _hours(name: str, value: ArrayLike) -> FloatArray:
    import numpy as np

    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)):
        raise TariffInputError(f"{name} must be finite; got non-finite values")
    return array


def tou_price_cny_per_kwh(hour_of_day: ArrayLike, tariff: TouTariff) -> FloatArray:
    """Energy price at the given times of day [CNY/kWh].

    Parameters
    ----------
    hour_of_day
        Fractional hours after midnight [h]; values outside ``[0, 24)`` wrap by 24 h.
    tariff
        The tariff.

    Returns
    -------
    numpy.ndarray
        Price in force at each instant, same shape as ``hour_of_day``. A boundary instant takes
        the price of the period that starts there.
    """
    import numpy as np

    starts_h, prices, _ = _segments(tariff.periods)
    hours = np.round(np.mod(_hours("hour_of_day", hour_of_day), 24.0), 9)
    index = np.searchsorted(starts_h, hours, side="right") - 1
    return prices[np.clip(index, 0, prices.size - 1)]


def _price_integral(hours: FloatArray, starts_h: FloatArray, integral: FloatArray) -> FloatArray:
    """Integral of the price from hour 0 of day 0 to ``hours`` [CNY/kW]."""
    import numpy as np

    days = np.floor(hours / 24.0)
    within = hours - 24.0 * days
    bounds_h = np.append(starts_h, 24.0)
    return days * integral[-1] + np.interp(within, bounds_h, integral)


def step_price_cny_per_kwh(start_hour: ArrayLike, dt_h: float, tariff: TouTariff) -> FloatArray:
    """Time-averaged energy price over steps ``[start_hour, start_hour + dt_h)`` [CNY/kWh].

    A one-hour step from 11:00 under a peak that ends at 11:30 is priced half at peak and half
    at the following band.
    """
    import numpy as np

    if not (np.isfinite(dt_h) and dt_h > 0.0):
        raise TariffInputError(f"dt_h must be a finite number > 0 hours; got {dt_h!r}")
    starts_h, _, integral = _segments(tariff.periods)
    start = _hours("start_hour", start_hour)
    total = _price_integral(start + dt_h, starts_h, integral) - _price_integral(
        start, starts_h, integral
    )
    return np.asarray(total / dt_h, dtype=np.float64)


def _complement(taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps: list[tuple[int, int]] = []
    cursor = 0
    for start, end in sorted(taken):
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < MINUTES_PER_DAY:
        gaps.append((cursor, MINUTES_PER_DAY))
    return gaps


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def tariff_from_ratios(
    flat_price_cny_per_kwh: float,
    peak_ratio: float = 1.5,
    valley_ratio: float = 0.5,
    *,
    peak_periods: tuple[tuple[str, str], ...] = SHAANXI_PEAK_PERIODS,
    valley_periods: tuple[tuple[str, str], ...] = SHAANXI_VALLEY_PERIODS,
    demand_charge_cny_per_kw_month: float = 0.0,
    export_price_cny_per_kwh: float = 0.0,
) -> TouTariff:
    """Build a peak / flat / valley tariff from price ratios against the flat price.

    Parameters
    ----------
    flat_price_cny_per_kwh
        Flat-band price [CNY/kWh], ``>= 0``.
    peak_ratio, valley_ratio
        Peak and valley prices as multiples of the flat price [-], ``>= 0``.
    peak_periods, valley_periods
        ``(start, end)`` clock pairs; every minute not in either is flat. Defaults are the
        assumed Shaanxi periods.
    demand_charge_cny_per_kw_month, export_price_cny_per_kwh
        As in :class:`TouTariff`; the defaults of zero mean "not charged" and "not paid".

    Raises
    ------
    TariffInputError
        If a price or ratio is negative or not finite, or peak and valley periods overlap.
    """

    for name, value in (
        ("flat_price_cny_per_kwh", flat_price_cny_per_kwh),
        ("peak_ratio", peak_ratio),
        ("valley_ratio", valley_ratio),
    ):
        if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0.0):
            raise TariffInputError(f"{name} must be a finite number >= 0; got {value!r}")
    periods = [
        TouPeriod("peak", start, end, flat_price_cny_per_kwh * peak_ratio)
        for start, end in peak_periods
    ] + [
        TouPeriod("valley", start, end, flat_price_cny_per_kwh * valley_ratio)
        for start, end in valley_periods
    ]
    taken = [piece for period in periods for piece in period.intervals_min()]
    periods += [
        TouPeriod("flat", _clock(start), _clock(end), float(flat_price_cny_per_kwh))
        for start, end in _complement(taken)
    ]
    return TouTariff(
        periods=tuple(periods),
        demand_charge_cny_per_kw_month=demand_charge_cny_per_kw_month,
        export_price_cny_per_kwh=export_price_cny_per_kwh,
    )


def peak_valley_ratio(tariff: TouTariff) -> float:
    """Highest over lowest energy price of the tariff [-] (``inf`` if the lowest is zero)."""
    _, prices, _ = _segments(tariff.periods)
    low = float(prices.min())
    return float(prices.max()) / low if low > 0.0 else float("inf")


def _non_negative(name: str, value: ArrayLike) -> FloatArray:
    import numpy as np

    array = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise TariffInputError(f"{name} must be finite and >= 0; got {array.ravel()[:5].tolist()}")
    return array


def energy_cost_cny(
    import_kw: ArrayLike,
    export_kw: ArrayLike,
    price: ArrayLike,
    export_price: ArrayLike,
    dt_h: float,
) -> FloatArray:
    """Net energy bill per step [CNY]: import charges minus export revenue.

    ``import_kw × price × dt_h − export_kw × export_price × dt_h``, broadcast over the inputs.

    Parameters
    ----------
    import_kw, export_kw
        Average grid import and export over each step [kW], ``>= 0``.
    price, export_price
        Import and export prices per step [CNY/kWh].
    dt_h
        Step length [h], ``> 0``.
    """
    import numpy as np

    if not (np.isfinite(dt_h) and dt_h > 0.0):
        raise TariffInputError(f"dt_h must be a finite number > 0 hours; got {dt_h!r}")
    imports = _non_negative("import_kw", import_kw)
    exports = _non_negative("export_kw", export_kw)
    cost = (
        imports * np.asarray(price, dtype=np.float64)
        - exports * np.asarray(export_price, dtype=np.float64)
    ) * dt_h
    return np.asarray(cost, dtype=np.float64)


def demand_charge_cny(
    import_kw: ArrayLike, billing_period: ArrayLike, rate_cny_per_kw_month: float
) -> float:
    """Demand charge [CNY]: the highest import of each billing period times the rate, summed.

    Parameters
    ----------
    import_kw
        Grid import per step [kW], shape ``(T,)``, ``>= 0``.
    billing_period
        Integer billing-period (month) index per step, shape ``(T,)``.
    rate_cny_per_kw_month
        Demand charge [CNY per kW of peak per billing period], ``>= 0``.
    """
    import numpy as np

    imports = _non_negative("import_kw", import_kw).reshape(-1)
    periods = np.asarray(billing_period)
    if periods.shape != imports.shape or not np.issubdtype(periods.dtype, np.integer):
        raise TariffInputError(
            f"billing_period must be integers of shape {imports.shape} like import_kw; "
            f"got dtype {periods.dtype} and shape {periods.shape}"
        )
    if not (np.isfinite(rate_cny_per_kw_month) and rate_cny_per_kw_month >= 0.0):
        raise TariffInputError(
            f"rate_cny_per_kw_month must be a finite number >= 0; got {rate_cny_per_kw_month!r}"
        )
    if imports.size == 0:
        return 0.0
    _, inverse = np.unique(periods, return_inverse=True)
    peaks = np.zeros(int(inverse.max()) + 1)
    np.maximum.at(peaks, inverse, imports)
    return float(peaks.sum() * rate_cny_per_kw_month)
