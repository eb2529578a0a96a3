"""Metered load profiles from CSV files.

A meter file is a CSV table with a ``time`` column and one column of readings per meter::

    time,press_shop_kw,paint_line_kw
    2025-01-01 00:00,512.0,130.5
    2025-01-01 01:00,498.2,128.0

Rules (see the README section "Meter and tariff files"):

- **Time stamps** mark the *start* of each reading's interval. Clock times without an offset are
  local times of the given time zone. A clock time skipped by a daylight-saving change is an
  error; a clock time repeated by one (the fall-back hour) is read as daylight-saving time on its
  first occurrence and as standard time on its second. Time stamps with an explicit offset
  (``2025-10-26T02:00+01:00``) are taken as written. Time stamps must increase strictly.
- **Interval**: the shortest spacing of the time stamps, 15 or 60 minutes; every time stamp lies
  on that grid.
- **Units**: ``kw`` (mean power over the interval) or ``kwh_per_interval`` (energy per interval,
  divided by the interval length to give kW). Readings are finite, at least 0 and at most
  :data:`MAX_READING_KW`.
- **Gaps** (an empty cell or time stamps missing from the grid) are filled: a gap of at most
  :data:`LINEAR_FILL_MAX_H` hours linearly between the readings on either side; a longer gap of
  at most :data:`WEEK_FILL_MAX_H` hours with the readings of the same times one week earlier, or
  one week later where those are not in the file. Filled readings are never used to fill others.
  A gap that cannot be filled is an error. Every filled gap is reported.
- **Resampling** to the simulation step: mean power over the step (15-minute readings, hourly
  steps) or the reading held over each step inside its interval (hourly readings, 15-minute
  steps).

Reading a file is an effect kept here, out of the device models; the parsing and filling work on
in-memory tables (:func:`meter_series_from_table`) and are cached per file version
(:func:`read_meter_file`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import NDArray

from market.inputs.errors import DataFileError
from market.inputs.paths import file_version

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]
MeterUnit = Literal["kw", "kwh_per_interval"]

TIME_COLUMN = "time"
"""Name of the time-stamp column of a meter file."""
METER_INTERVALS_MIN = (15, 60)
"""Reading intervals a meter file may have [min]."""
LINEAR_FILL_MAX_H = 2.0
"""Longest gap filled by linear interpolation [h]."""
WEEK_FILL_MAX_H = 7 * 24.0
"""Longest gap filled from the week before or after [h]."""
MAX_READING_KW = 1e7
"""Largest reading [kW] (the largest asset power of a scenario)."""
FIRST_DATA_LINE = 2
"""File line of the first reading (line 1 is the header)."""

_WEEK_S = 7 * 24 * 3600
_OFFSET_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


@dataclass(frozen=True)
class MeterGap:
    """A run of missing readings and how it was filled.

    Attributes
    ----------
    start, end
        Local start of the first and of the last missing interval (ISO 8601 with offset).
    hours
        Length of the gap [h].
    rule
        ``"linear"``, ``"previous_week"`` or ``"next_week"``.
    """

    start: str
    end: str
    hours: float
    rule: str

    def as_dict(self) -> dict[str, str | float]:
        """The gap as a JSON-ready mapping."""
        return {"start": self.start, "end": self.end, "hours": self.hours, "rule": self.rule}


@dataclass(frozen=True)
class MeterSeries:
    """One meter's readings on a regular grid, gaps filled.

    Attributes
    ----------
    path, column
        Where the readings come from (for messages).
    start_s
        Start of the first interval [s since 1970-01-01 UTC].
    interval_s
        Reading interval [s].
    power_kw
        Mean power of each interval [kW], read-only.
    gaps
        The gaps that were filled, in time order.
    timezone
        Time zone used to read and report clock times.
    """

    path: str
    column: str
    start_s: int
    interval_s: int
    power_kw: FloatArray
    gaps: tuple[MeterGap, ...]
    timezone: str

    @property
    def end_s(self) -> int:
        """End of the last interval [s since 1970-01-01 UTC]."""
        return self.start_s + self.interval_s * int(self.power_kw.size)

    @property
    def span_h(self) -> float:
        """Time covered by the readings [h]."""
        return (self.end_s - self.start_s) / 3600.0

    @property
    def energy_kwh(self) -> float:
        """Energy of all readings, gaps filled [kWh]."""
        return float(self.power_kw.sum() * self.interval_s / 3600.0)


def epoch_seconds(times: pd.DatetimeIndex) -> NDArray[np.int64]:
    """Whole seconds since 1970-01-01 UTC of tz-aware times, whatever their pandas unit."""
    import pandas as pd

    epoch = pd.Timestamp(0, tz="UTC")
    return np.asarray((times.tz_convert("UTC") - epoch) // pd.Timedelta(seconds=1), dtype=np.int64)


def _local_text(seconds: int, timezone: str) -> str:
    import pandas as pd

    stamp = pd.Timestamp(seconds * 10**9, tz="UTC").tz_convert(timezone)
    return stamp.isoformat(timespec="minutes")


def _parse_times(raw: pd.Series, path: str, timezone: str) -> NDArray[np.int64]:
    """Time stamps of a meter or price file as seconds since 1970 UTC (see the module rules)."""
    import pandas as pd

    text = raw.astype(str).str.strip()
    lines = np.arange(text.size) + FIRST_DATA_LINE
    with_offset = text.str.contains(_OFFSET_SUFFIX).to_numpy()
    if with_offset.any() and not with_offset.all():
        k = int(np.argmin(with_offset) if with_offset[0] else np.argmax(with_offset))
        raise DataFileError(
            path,
            f"{text.iloc[k]!r}: all time stamps with a UTC offset or none",
            line=int(lines[k]),
            column=TIME_COLUMN,
        )
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=bool(with_offset.all()))
    bad = parsed.isna().to_numpy()
    if bad.any():
        k = int(np.argmax(bad))
        raise DataFileError(
            path,
            f"{text.iloc[k]!r} is not a time stamp (expected e.g. 2025-01-01 00:00)",
            line=int(lines[k]),
            column=TIME_COLUMN,
        )
    index = pd.DatetimeIndex(parsed)
    if index.tz is None:
        # First occurrence of a repeated (fall-back) clock time is daylight-saving time.
        first_seen = ~pd.Series(index).duplicated(keep="first").to_numpy()
        index = index.tz_localize(timezone, ambiguous=first_seen, nonexistent="NaT")
        skipped = index.isna()
        if skipped.any():
            k = int(np.argmax(skipped))
            raise DataFileError(
                path,
                f"{text.iloc[k]!r} is a clock time skipped by a daylight-saving change in "
                f"{timezone}",
                line=int(lines[k]),
                column=TIME_COLUMN,
            )
    seconds = epoch_seconds(index)
    step = np.diff(seconds)
    if step.size and (step <= 0).any():
        k = int(np.argmax(step <= 0)) + 1
        same = np.flatnonzero(seconds[:k] == seconds[k])
        problem = (
            f"duplicated time stamp (also on line {int(lines[same[0]])})"
            if same.size
            else "time stamps must increase"
        )
        raise DataFileError(
            path, f"{text.iloc[k]!r}: {problem}", line=int(lines[k]), column=TIME_COLUMN
        )
    return seconds


def _parse_readings(
    raw: pd.Series, path: str, column: str, max_value: float, allow_empty: bool
) -> FloatArray:
    """Readings as floats in ``[0, max_value]``; an empty cell is a missing reading (NaN)."""
    import pandas as pd

    text = raw.astype(str).str.strip()
    empty = (text == "").to_numpy()
    values = pd.to_numeric(text.where(~empty, "nan"), errors="coerce").to_numpy(dtype=float)
    bad = (~empty | (not allow_empty)) & ~np.isfinite(values)
    bad |= np.isfinite(values) & ((values < 0.0) | (values > max_value))
    if bad.any():
        k = int(np.argmax(bad))
        raise DataFileError(
            path,
            f"{text.iloc[k]!r}: a number from 0 to {max_value:g}"
            + (" (or an empty cell for a missing reading)" if allow_empty else ""),
            line=k + FIRST_DATA_LINE,
            column=column,
        )
    return values


def _interval_s(seconds: NDArray[np.int64], path: str) -> int:
    if seconds.size < 2:
        raise DataFileError(path, "at least two readings", line=FIRST_DATA_LINE)
    steps = np.diff(seconds)
    interval = int(steps.min())
    allowed = [m * 60 for m in METER_INTERVALS_MIN]
    if interval not in allowed:
        k = int(np.argmin(steps)) + 1
        raise DataFileError(
            path,
            f"readings {interval / 60:g} min apart; allowed intervals: "
            f"{', '.join(f'{m} min' for m in METER_INTERVALS_MIN)}",
            line=k + FIRST_DATA_LINE,
            column=TIME_COLUMN,
        )
    off_grid = steps % interval != 0
    if off_grid.any():
        k = int(np.argmax(off_grid)) + 1
        raise DataFileError(
            path,
            f"time stamp off the {interval // 60}-minute grid of the first reading",
            line=k + FIRST_DATA_LINE,
            column=TIME_COLUMN,
        )
    return interval


def _runs(missing: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``[start, end)`` index ranges of the runs of ``True``."""
    edges = np.diff(np.concatenate(([0], missing.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def fill_gaps(
    power_kw: FloatArray,
    start_s: int,
    interval_s: int,
    path: str,
    timezone: str,
    lines: NDArray[np.int64] | None = None,
    column: str | None = None,
) -> tuple[FloatArray, tuple[MeterGap, ...]]:
    """Fill the missing readings (NaN) of a regular series by the module's gap rule.

    ``lines`` gives the file line of each grid interval (-1 where the file has no row) and
    ``column`` the readings' column, for messages: an error names the line after the gap, or
    the gap's own row at the end.

    Returns
    -------
    tuple
        The filled series and the gaps filled.

    Raises
    ------
    DataFileError
        If a gap is longer than :data:`WEEK_FILL_MAX_H` hours, or longer than
        :data:`LINEAR_FILL_MAX_H` hours with neither week around it fully read, or at an end.
    """
    original = np.asarray(power_kw, dtype=float)
    filled = original.copy()
    week = _WEEK_S // interval_s
    gaps: list[MeterGap] = []
    n = original.size
    for a, b in _runs(np.isnan(original)):
        hours = float((b - a) * interval_s / 3600.0)
        first, last = start_s + int(a) * interval_s, start_s + (int(b) - 1) * interval_s
        where = f"gap of {hours:g} h from {_local_text(first, timezone)}"
        line = None
        if lines is not None:
            line = int(lines[b]) if b < n else int(lines[a:b].max())
            line = line if line > 0 else None
        if a == 0 or b == n:
            raise DataFileError(
                path, f"{where}: the first and last readings must be given", line, column
            )
        if hours <= LINEAR_FILL_MAX_H:
            left, right = original[a - 1], original[b]
            frac = np.arange(1, b - a + 1) / (b - a + 1)
            filled[a:b] = left + (right - left) * frac
            rule = "linear"
        elif hours > WEEK_FILL_MAX_H:
            raise DataFileError(
                path, f"{where}: gaps of at most {WEEK_FILL_MAX_H:g} h", line, column
            )
        elif a - week >= 0 and not np.isnan(original[a - week : b - week]).any():
            filled[a:b] = original[a - week : b - week]
            rule = "previous_week"
        elif b + week <= n and not np.isnan(original[a + week : b + week]).any():
            filled[a:b] = original[a + week : b + week]
            rule = "next_week"
        else:
            raise DataFileError(
                path,
                f"{where}: the readings of the same times one week before or after",
                line,
                column,
            )
        gaps.append(
            MeterGap(_local_text(first, timezone), _local_text(last, timezone), hours, rule)
        )
    filled.flags.writeable = False
    return filled, tuple(gaps)


def meter_series_from_table(
    table: pd.DataFrame,
    path: str,
    column: str,
    unit: MeterUnit,
    timezone: str,
    *,
    max_value: float = MAX_READING_KW,
    fill: bool = True,
) -> MeterSeries:
    """Build one meter's gap-filled series from a meter table read as text.

    With ``fill=False`` (price series) every interval needs a value: a gap is an error.

    Parameters
    ----------
    table
        The file's cells as strings (header row = column names).
    path
        File name for messages.
    column
        Column of the meter's readings.
    unit
        ``"kw"`` or ``"kwh_per_interval"``.
    timezone
        IANA time zone of clock times without an offset.
    max_value
        Largest value allowed in the column.
    fill
        Fill gaps by the module's rule (else a gap is an error).

    Raises
    ------
    DataFileError
        Naming the file, line and column of the first problem.
    """
    for name in (TIME_COLUMN, column):
        if name not in table.columns:
            raise DataFileError(
                path,
                f"no column {name!r}; the header has {', '.join(map(str, table.columns))}",
                line=1,
                column=name,
            )
    seconds = _parse_times(table[TIME_COLUMN], path, timezone)
    readings = _parse_readings(table[column], path, column, max_value, fill)
    interval = _interval_s(seconds, path)
    if unit == "kwh_per_interval":
        readings = readings / (interval / 3600.0)
    start = int(seconds[0])
    grid = np.full((int(seconds[-1]) - start) // interval + 1, np.nan)
    slot = (seconds - start) // interval
    grid[slot] = readings
    lines = np.full(grid.size, -1, dtype=np.int64)
    lines[slot] = np.arange(slot.size) + FIRST_DATA_LINE
    missing = np.isnan(grid)
    if not fill and missing.any():
        k = int(np.argmax(missing))
        raise DataFileError(
            path,
            f"no value for {_local_text(start + k * interval, timezone)}; a value for every "
            f"{interval // 60}-minute interval",
            line=int(lines[k:][lines[k:] > 0][0]),
            column=TIME_COLUMN,
        )
    filled, gaps = fill_gaps(grid, start, interval, path, timezone, lines, column)
    return MeterSeries(path, column, start, interval, filled, gaps, timezone)


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV data file with every cell as text.

    Raises
    ------
    DataFileError
        If the file is not a readable CSV table with a header and at least one row.
    """
    import pandas as pd

    try:
        table = pd.read_csv(
            path, dtype=str, keep_default_na=False, skipinitialspace=True, encoding="utf-8-sig"
        )
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        line = re.search(r"line (\d+)", text)
        raise DataFileError(
            str(path),
            f"a CSV table in UTF-8 ({text})",
            line=int(line.group(1)) if line else None,
        ) from None
    if table.empty:
        raise DataFileError(str(path), "a header and at least one row", line=1)
    table.columns = [str(c).strip() for c in table.columns]
    return table


@functools.lru_cache(maxsize=32)
def _cached_series(
    path: str, _mtime_ns: int, _size: int, column: str, unit: MeterUnit, timezone: str
) -> MeterSeries:
    return meter_series_from_table(read_table(Path(path)), path, column, unit, timezone)


def read_meter_file(path: str, column: str, unit: MeterUnit, timezone: str) -> MeterSeries:
    """Read one meter of a meter file (cached per file version: path, mtime and size).

    Raises
    ------
    DataFileError
        If the file cannot be read or breaks a rule of the module.
    """
    mtime_ns, size = file_version(path)
    return _cached_series(path, mtime_ns, size, column, unit, timezone)


def coverage_problem(series: MeterSeries, start_s: int, end_s: int) -> DataFileError | None:
    """Why the series does not cover ``[start_s, end_s)`` (seconds since 1970 UTC), or ``None``."""
    if series.start_s <= start_s and end_s <= series.end_s:
        return None
    tz = series.timezone
    return DataFileError(
        series.path,
        f"readings from {_local_text(series.start_s, tz)} to {_local_text(series.end_s, tz)} "
        f"do not cover the run, {_local_text(start_s, tz)} to {_local_text(end_s, tz)} "
        "(time.start and time.horizon_h); give readings of the simulated period",
        line=FIRST_DATA_LINE if series.start_s > start_s else None,
        column=TIME_COLUMN,
    )


def step_mean_kw(series: MeterSeries, step_starts_s: NDArray[np.int64], step_s: int) -> FloatArray:
    """Mean power of the meter over each simulation step [kW].

    Readings shorter than the step are averaged (15-minute readings, hourly steps); a reading
    longer than the step is held over every step inside it (hourly readings, 15-minute steps).

    Parameters
    ----------
    series
        The meter's readings.
    step_starts_s
        Step start times [s since 1970 UTC].
    step_s
        Step length [s].

    Raises
    ------
    DataFileError
        If a step lies outside the readings or straddles two readings longer than the step.
    """
    starts = np.asarray(step_starts_s, dtype=np.int64)
    problem = coverage_problem(series, int(starts.min()), int(starts.max()) + step_s)
    if problem is not None:
        raise problem
    offset = starts - series.start_s
    interval = series.interval_s
    if interval <= step_s:
        aligned = (offset % interval == 0) & (step_s % interval == 0)
        if aligned.all():
            k = step_s // interval
            index = (offset // interval)[:, None] + np.arange(k)[None, :]
            out = series.power_kw[index].mean(axis=1)
            return np.asarray(out, dtype=float)
    else:
        aligned = offset % interval + step_s <= interval
        if aligned.all():
            return np.asarray(series.power_kw[offset // interval], dtype=float)
    k = int(np.argmin(aligned))
    first = _local_text(series.start_s, series.timezone)
    step = _local_text(int(starts[k]), series.timezone)
    raise DataFileError(
        series.path,
        f"readings every {interval // 60} min from {first} do not line up with the simulation "
        f"step at {step}",
        column=TIME_COLUMN,
    )
