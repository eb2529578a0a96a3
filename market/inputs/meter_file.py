"""Metered load profiles from CSV: parsed, checked, gaps filled, laid on the run's steps.

Format
------
One ``time`` column and one column per meter, a header line first::

    time,electronics_a,food_b
    2025-05-01 00:00,812.5,1540.0
    2025-05-01 00:15,806.0,1538.5

- ``time`` is the **start** of each interval, in the park's local time (``2025-05-01 00:15``)
  or with a UTC offset (``2025-05-01T00:15+08:00``). Local times are placed by the time zone's
  rules: in a zone with daylight saving, the repeated hour of the autumn change must appear twice
  in order (it is told apart by its order) and a time the spring change skips is an error.
- Values are the mean power over the interval in kW (``unit: kw``) or the energy of the
  interval in kWh (``unit: kwh``). Intervals of 15, 30 or 60 minutes, the same throughout.
- An empty cell or a missing timestamp is a gap. Gaps of up to 2 hours are filled by linear
  interpolation in time; longer gaps take the value of the same time one week earlier, or one
  week later if that is missing too. Every filled gap is reported (start, length, rule).

On the run's steps a meter gives the mean power of the intervals inside each step (15-minute
readings on hourly steps) or holds the interval's value (hourly readings on 15-minute steps).
The file must cover every step of the run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from market.inputs.errors import DataFileError

FloatArray = NDArray[np.float64]

TIME_COLUMN = "time"
ALLOWED_INTERVALS_MIN = (15, 30, 60)
#: Longest gap filled by interpolation [h]; longer gaps copy the same time a week away.
INTERPOLATE_MAX_H = 2.0
WEEK = pd.Timedelta(days=7)
MAX_METER_KW = 1e7


@dataclass(frozen=True)
class MeterGap:
    """A filled gap: its start (local time), its length [h] and how it was filled."""

    start: str
    hours: float
    rule: str

    def __str__(self) -> str:
        return f"{self.start}, {self.hours:g} h, {self.rule}"


@dataclass(frozen=True)
class MeterSeries:
    """One meter's readings as mean power, on a regular UTC index, gaps filled.

    Attributes
    ----------
    path, column
        Where the readings come from.
    power_kw
        Mean power over each interval [kW], indexed by the interval's start (UTC).
    interval_h
        Length of the file's intervals [h].
    gaps
        The gaps filled, in order.
    """

    path: str
    column: str
    power_kw: pd.Series
    interval_h: float
    gaps: tuple[MeterGap, ...]

    def annual_kwh(self) -> float:
        """Energy of the readings scaled to one year of 8,760 h [kWh]."""
        hours = len(self.power_kw) * self.interval_h
        return float(self.power_kw.sum() * self.interval_h * 8760.0 / hours)


def _frame(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(str(path), f"not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if TIME_COLUMN not in frame.columns:
        raise DataFileError(
            str(path), "the header has no 'time' column", line=1, column=TIME_COLUMN
        )
    if frame.empty:
        raise DataFileError(str(path), "no readings below the header", line=2)
    return frame


def _times_utc(path: Path, text: pd.Series, tz: str) -> pd.DatetimeIndex:
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=False)
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataFileError(
            str(path),
            f"{text.iloc[row]!r} is not a date and time (e.g. 2025-05-01 00:15)",
            line=row + 2,
            column=TIME_COLUMN,
        )
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return pd.DatetimeIndex(parsed).tz_convert("UTC")
    index = pd.DatetimeIndex(parsed)
    try:
        local = index.tz_localize(tz, ambiguous="infer", nonexistent="raise")
    except Exception as exc:  # pytz-style errors differ by pandas version
        message = str(exc)
        found: int | None = next(
            (k for k, t in enumerate(text) if t.strip() and t.strip() in message), None
        )
        if found is None:
            stamp = message.split("Nonexistent datetime ")[-1].split(".")[0]
            found = next((k for k, t in enumerate(index) if str(t).startswith(stamp)), None)
        raise DataFileError(
            str(path),
            f"local time does not exist or repeats ambiguously in {tz} ({message})",
            line=None if found is None else found + 2,
            column=TIME_COLUMN,
        ) from None
    return local.tz_convert("UTC")


def _values(path: Path, frame: pd.DataFrame, column: str) -> FloatArray:
    if column not in frame.columns:
        columns = ", ".join(c for c in frame.columns if c != TIME_COLUMN)
        raise DataFileError(
            str(path), f"no column {column!r} (columns: {columns})", line=1, column=column
        )
    text = frame[column].str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    bad = (np.isnan(values) & (text != "").to_numpy()) | (
        np.isfinite(values) & ((values < 0.0) | (values > MAX_METER_KW))
    )
    bad |= np.isinf(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataFileError(
            str(path),
            f"{text.iloc[row]!r} is not a reading in [0, {MAX_METER_KW:g}]",
            line=row + 2,
            column=column,
        )
    return values


def _fill(series: pd.Series, interval_h: float, tz: str) -> tuple[pd.Series, list[MeterGap]]:
    missing = series.isna().to_numpy()
    gaps: list[MeterGap] = []
    if not missing.any():
        return series, gaps
    filled = series.copy()
    interpolated = series.interpolate(method="time", limit_area="inside")
    edges = np.flatnonzero(np.diff(np.concatenate(([0], missing.astype(np.int8), [0]))))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        hours = (stop - start) * interval_h
        where = series.index[start:stop]
        label = where[0].tz_convert(tz).strftime("%Y-%m-%d %H:%M")
        if hours <= INTERPOLATE_MAX_H and start > 0 and stop < len(series):
            filled.iloc[start:stop] = interpolated.iloc[start:stop]
            gaps.append(MeterGap(label, hours, "linear interpolation"))
            continue
        before = series.reindex(where - WEEK).to_numpy()
        after = series.reindex(where + WEEK).to_numpy()
        if not np.isnan(before).any():
            filled.iloc[start:stop] = before
            gaps.append(MeterGap(label, hours, "same time one week earlier"))
        elif not np.isnan(after).any():
            filled.iloc[start:stop] = after
            gaps.append(MeterGap(label, hours, "same time one week later"))
        else:
            raise DataFileError(
                "", f"a gap of {hours:g} h from {label} has no reading a week before or after"
            )
    return filled, gaps


@functools.lru_cache(maxsize=64)
def _read_cached(
    path_text: str, column: str, unit: str, tz: str, mtime_ns: int, size: int
) -> MeterSeries:
    path = Path(path_text)
    frame = _frame(path)
    times = _times_utc(path, frame[TIME_COLUMN], tz)
    values = _values(path, frame, column)
    order = np.diff(times.asi8)
    if (order <= 0).any():
        row = int(np.flatnonzero(order <= 0)[0]) + 1
        what = (
            "repeats the time before it"
            if order[row - 1] == 0
            else "is earlier than the one before"
        )
        raise DataFileError(path_text, f"this reading {what}", line=row + 2, column=TIME_COLUMN)
    steps_min = ((times[1:] - times[:-1]) / pd.Timedelta(minutes=1)) if len(times) > 1 else None
    interval_min = int(round(float(np.min(steps_min)))) if steps_min is not None else 60
    if interval_min not in ALLOWED_INTERVALS_MIN:
        raise DataFileError(
            path_text,
            f"readings {interval_min} minutes apart; intervals of 15, 30 or 60 minutes",
            column=TIME_COLUMN,
        )
    interval = pd.Timedelta(minutes=interval_min)
    off_grid = ((times - times[0]) % interval) != pd.Timedelta(0)
    if off_grid.any():
        row = int(np.flatnonzero(off_grid)[0])
        raise DataFileError(
            path_text,
            f"not on the {interval_min}-minute grid of the first reading",
            line=row + 2,
            column=TIME_COLUMN,
        )
    interval_h = interval_min / 60.0
    power = values / interval_h if unit == "kwh" else values
    regular = pd.date_range(times[0], times[-1], freq=interval)
    series = pd.Series(power, index=times).reindex(regular)
    try:
        filled, gaps = _fill(series, interval_h, tz)
    except DataFileError as exc:
        raise DataFileError(path_text, exc.message, column=column) from None
    return MeterSeries(path_text, column, filled, interval_h, tuple(gaps))


def read_meter_file(path: Path, column: str, unit: str, tz: str) -> MeterSeries:
    """Read one meter's readings (cached by path, modification time and size).

    Parameters
    ----------
    path
        The CSV file.
    column
        The meter's column.
    unit
        ``kw`` (mean power per interval) or ``kwh`` (energy per interval).
    tz
        Time zone of readings given without a UTC offset.

    Raises
    ------
    DataFileError
        Naming the file, line and column of the first problem.
    """
    stat = path.stat()
    return _read_cached(str(path), column, unit, tz, stat.st_mtime_ns, stat.st_size)


def meter_on_steps(meter: MeterSeries, times: pd.DatetimeIndex, dt_h: float) -> FloatArray:
    """Mean power of the meter over each step starting at ``times`` [kW].

    Raises
    ------
    DataFileError
        If the readings do not cover every step.
    """
    utc = times.tz_convert("UTC") if times.tz is not None else times.tz_localize("UTC")
    step = pd.Timedelta(hours=dt_h)
    interval = pd.Timedelta(hours=meter.interval_h)
    first, last_end = meter.power_kw.index[0], meter.power_kw.index[-1] + interval
    if len(utc) and (utc[0] < first or utc[-1] + step > last_end):
        raise DataFileError(
            meter.path,
            f"readings cover {first.isoformat()} to {last_end.isoformat()} (UTC); the run needs "
            f"{utc[0].isoformat()} to {(utc[-1] + step).isoformat()}",
            column=meter.column,
        )
    if meter.interval_h >= dt_h:
        held = meter.power_kw.reindex(utc, method="ffill")
        return held.to_numpy(dtype=np.float64)
    per_step = int(round(dt_h / meter.interval_h))
    positions = meter.power_kw.index.get_indexer(utc)
    if (positions < 0).any():
        raise DataFileError(
            meter.path, "the run's steps do not start on reading times", column=meter.column
        )
    values = meter.power_kw.to_numpy(dtype=np.float64)
    blocks = positions[:, None] + np.arange(per_step)[None, :]
    out: FloatArray = values[blocks].mean(axis=1)
    return out
