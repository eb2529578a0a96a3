"""Seasonal time-of-use tariffs from CSV files.

A tariff file lists priced bands of the day per group of months::

    months,start,end,band,price_cny_per_kwh
    1-12,00:00,08:00,valley,0.33
    1-12,08:00,11:30,peak,0.98
    7-8,19:00,21:00,critical_peak,

Rules (see the README section "Meter and tariff files"):

- ``months``: a month ``7``, a range ``6-8`` (``12-2`` wraps the year) or a list ``1;2;12``.
- ``start``/``end``: local clock times ``HH:MM``; a band covers ``[start, end)`` and wraps
  midnight when ``end`` is not after ``start``.
- For every month, the rows other than ``critical_peak`` cover the 24 hours exactly once.
- ``critical_peak`` rows lie over the other bands of their months for the hours they give.
  A critical-peak row without a price costs the month's highest other price times
  ``1 + uplift`` (the scenario passes the reference ``tariff_shaanxi.critical_peak_uplift_min``,
  the national minimum of 20 % above the peak price).
- Prices are in CNY/kWh, from 0 to :data:`MAX_PRICE_CNY_PER_KWH`.

A tariff file may instead be a price series, ``time,price_cny_per_kwh``, read like a meter file
(:mod:`market.inputs.meter_file`: local clock times, 15- or 60-minute intervals) except that every
interval needs a price (no gaps are filled) and the file must cover the run. The header tells the
two forms apart.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from agents.tariff import (
    MINUTES_PER_DAY,
    TariffInputError,
    TouPeriod,
    TouTariff,
    clock_to_minutes,
    tou_price_cny_per_kwh,
)
from market.inputs.errors import DataFileError
from market.inputs.meter_file import (
    FIRST_DATA_LINE,
    TIME_COLUMN,
    MeterSeries,
    meter_series_from_table,
    read_table,
)
from market.inputs.paths import file_version

FloatArray = NDArray[np.float64]

COLUMNS = ("months", "start", "end", "band", "price_cny_per_kwh")
PRICE_COLUMN = "price_cny_per_kwh"
CRITICAL_PEAK_BAND = "critical_peak"
MAX_PRICE_CNY_PER_KWH = 20.0
"""Highest price a tariff file may give [CNY/kWh]."""
MAX_ROWS = 12 * 48

_MONTH_ITEM = re.compile(r"^\s*(\d{1,2})\s*(?:-\s*(\d{1,2}))?\s*$")
_BAND_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class TariffTable:
    """A seasonal time-of-use tariff: the bands of each month.

    Attributes
    ----------
    path
        The file read.
    monthly_periods
        Twelve tuples of :class:`~agents.tariff.TouPeriod` (January first), each covering the
        day exactly once, critical-peak hours included.
    """

    path: str
    monthly_periods: tuple[tuple[TouPeriod, ...], ...]

    @property
    def top_price_cny_per_kwh(self) -> float:
        """Highest price of the year [CNY/kWh]."""
        return max(p.price_cny_per_kwh for month in self.monthly_periods for p in month)


def parse_months(text: str) -> tuple[int, ...]:
    """Months (1-12) named by ``7``, ``6-8``, ``12-2`` or ``1;2;12``.

    Raises
    ------
    ValueError
        If the text is not of that form.
    """
    months: list[int] = []
    for item in text.split(";"):
        match = _MONTH_ITEM.match(item)
        if match is None:
            raise ValueError(f"{text!r}: months as 7, 6-8, 12-2 or 1;2;12")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if not (1 <= first <= 12 and 1 <= last <= 12):
            raise ValueError(f"{text!r}: months from 1 to 12")
        span = (last - first) % 12
        months.extend((first - 1 + k) % 12 + 1 for k in range(span + 1))
    return tuple(months)


def _minutes(start: int, end: int) -> NDArray[np.bool_]:
    """Minutes of the day covered by ``[start, end)`` (wrapping midnight when end <= start)."""
    minute = np.arange(MINUTES_PER_DAY)
    if end > start:
        return (minute >= start) & (minute < end)
    return (minute >= start) | (minute < end)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _periods(band: list[str], price: FloatArray) -> tuple[TouPeriod, ...]:
    """Periods of constant band and price from per-minute arrays."""
    periods: list[TouPeriod] = []
    start = 0
    for minute in range(1, MINUTES_PER_DAY + 1):
        if (
            minute == MINUTES_PER_DAY
            or band[minute] != band[start]
            or price[minute] != price[start]
        ):
            periods.append(
                TouPeriod(band[start], _clock(start), _clock(minute), float(price[start]))
            )
            start = minute
    return tuple(periods)


def tariff_table_from_rows(
    rows: list[dict[str, str]], path: str, critical_peak_uplift: float
) -> TariffTable:
    """Build a :class:`TariffTable` from a tariff file's rows (cells as text).

    Raises
    ------
    DataFileError
        Naming the file, line and column of the first problem.
    """
    if not rows:
        raise DataFileError(path, "at least one band", line=FIRST_DATA_LINE)
    if len(rows) > MAX_ROWS:
        raise DataFileError(path, f"at most {MAX_ROWS} rows", line=FIRST_DATA_LINE + MAX_ROWS)
    band = [[""] * MINUTES_PER_DAY for _ in range(12)]
    price = np.full((12, MINUTES_PER_DAY), np.nan)
    owner = np.full((12, MINUTES_PER_DAY), -1)
    critical: list[tuple[int, tuple[int, ...], NDArray[np.bool_], float | None]] = []
    for k, row in enumerate(rows):
        line = k + FIRST_DATA_LINE
        try:
            months = parse_months(row["months"])
        except ValueError as exc:
            raise DataFileError(path, str(exc), line=line, column="months") from None
        clocks = []
        for name in ("start", "end"):
            try:
                clocks.append(clock_to_minutes(row[name].strip(), field=name))
            except TariffInputError as exc:
                raise DataFileError(path, str(exc), line=line, column=name) from None
        start, end = clocks
        if start == MINUTES_PER_DAY:
            raise DataFileError(path, "a start before 24:00", line=line, column="start")
        name = row["band"].strip()
        if _BAND_NAME.match(name) is None:
            raise DataFileError(
                path, f"{name!r}: a band name of letters, digits, '_', '.', '-'", line, "band"
            )
        text = row["price_cny_per_kwh"].strip()
        value: float | None = None
        if text or name != CRITICAL_PEAK_BAND:
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not 0.0 <= value <= MAX_PRICE_CNY_PER_KWH:
                raise DataFileError(
                    path,
                    f"{text!r}: a price from 0 to {MAX_PRICE_CNY_PER_KWH:g} CNY/kWh"
                    + (" (or empty on a critical_peak row)" if name == CRITICAL_PEAK_BAND else ""),
                    line=line,
                    column="price_cny_per_kwh",
                )
        covered = _minutes(start, end)
        if name == CRITICAL_PEAK_BAND:
            critical.append((line, months, covered, value))
            continue
        for month in months:
            clash = covered & (owner[month - 1] >= 0)
            if clash.any():
                other = int(owner[month - 1][np.argmax(clash)]) + FIRST_DATA_LINE
                raise DataFileError(
                    path,
                    f"overlaps line {other} in month {month} at {_clock(int(np.argmax(clash)))}",
                    line=line,
                    column="start",
                )
            owner[month - 1][covered] = k
            price[month - 1][covered] = value
            for minute in np.flatnonzero(covered):
                band[month - 1][minute] = name
    for month in range(1, 13):
        open_minutes = owner[month - 1] < 0
        if open_minutes.any():
            raise DataFileError(
                path,
                f"month {month} has no band at {_clock(int(np.argmax(open_minutes)))}; the rows "
                f"other than {CRITICAL_PEAK_BAND} cover every month's 24 hours exactly once",
                column="months",
            )
    for line, months, covered, value in critical:
        for month in months:
            top = float(np.max(price[month - 1]))
            price[month - 1][covered] = (
                top * (1.0 + critical_peak_uplift) if value is None else value
            )
            for minute in np.flatnonzero(covered):
                band[month - 1][minute] = CRITICAL_PEAK_BAND
            if not np.max(price[month - 1]) <= MAX_PRICE_CNY_PER_KWH:
                raise DataFileError(
                    path,
                    f"critical-peak price of month {month} above {MAX_PRICE_CNY_PER_KWH:g} CNY/kWh",
                    line=line,
                    column="price_cny_per_kwh",
                )
    return TariffTable(path, tuple(_periods(band[m], price[m]) for m in range(12)))


@functools.lru_cache(maxsize=16)
def _cached_table(
    path: str, _mtime_ns: int, _size: int, critical_peak_uplift: float, timezone: str
) -> TariffTable | MeterSeries:
    table = read_table(Path(path))
    if "months" not in table.columns and TIME_COLUMN in table.columns:
        return meter_series_from_table(
            table, path, PRICE_COLUMN, "kw", timezone, max_value=MAX_PRICE_CNY_PER_KWH, fill=False
        )
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise DataFileError(
            path,
            f"the columns {', '.join(COLUMNS)} (bands) or {TIME_COLUMN}, {PRICE_COLUMN} (a price "
            f"series); missing: {', '.join(missing)}",
            line=1,
            column=missing[0],
        )
    rows = [{c: str(row[c]) for c in COLUMNS} for row in table.to_dict("records")]
    return tariff_table_from_rows(rows, path, critical_peak_uplift)


def read_tariff_file(
    path: str, critical_peak_uplift: float, timezone: str
) -> TariffTable | MeterSeries:
    """Read a tariff file: bands per month, or a price series (cached per file version).

    Parameters
    ----------
    path
        The file.
    critical_peak_uplift
        Critical-peak price above the month's highest other price, as a fraction [-], for
        critical-peak rows without a price.
    timezone
        IANA time zone of a price series' clock times.

    Returns
    -------
    TariffTable or MeterSeries
        The bands, or the prices [CNY/kWh] as a series (``power_kw`` holds the prices).

    Raises
    ------
    DataFileError
        If the file cannot be read or breaks a rule of the module.
    """
    mtime_ns, size = file_version(path)
    return _cached_table(path, mtime_ns, size, float(critical_peak_uplift), timezone)


def top_price_cny_per_kwh(tariff: TariffTable | MeterSeries) -> float:
    """Highest price of a tariff file [CNY/kWh]."""
    if isinstance(tariff, TariffTable):
        return tariff.top_price_cny_per_kwh
    return float(tariff.power_kw.max())


def monthly_import_price_cny_per_kwh(
    table: TariffTable, month: NDArray[np.int64], hour_of_day: FloatArray
) -> FloatArray:
    """Import price at each step start [CNY/kWh] from the month (1-12) and the local hour."""
    out = np.empty(hour_of_day.shape, dtype=float)
    for m in range(1, 13):
        here = month == m
        if here.any():
            out[here] = tou_price_cny_per_kwh(
                hour_of_day[here], TouTariff(periods=table.monthly_periods[m - 1])
            )
    return out
