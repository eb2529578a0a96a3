"""Weather files (EPW, TMY3, TMY2, PVGIS TMY) read by ``pvlib.iotools`` and laid on the run's steps.

A park with ``weather: {file: ...}`` takes its irradiance (GHI, DNI, DHI), air temperature and
wind speed from the file instead of the synthetic sky: PV is transposed from the file's
components, heat pumps see the file's temperature, wind turbines the file's wind speed moved
to hub height.

Re-stamping a typical year onto the run
---------------------------------------
A typical (TMY) year takes each month from a different calendar year, so records are matched
by the clock, not by the date: every simulation step's start is converted to the file's fixed
UTC offset (its standard time, no daylight saving), and takes the record of the same month,
day and hour (the record of the hour that starts then: pvlib labels EPW and TMY2 records by
the hour's start and TMY3 records by its end, so TMY3 records are moved back one hour; PVGIS
records are in UTC, labelled by their start). 29 February takes 28 February's records; runs of
several years reuse the same typical year; sub-hourly steps hold their hour's record. A file
must hold every hour of the year once (8,760 or 8,784 records).
"""

from __future__ import annotations

import functools
import gzip
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from market.inputs.errors import DataFileError
from market.inputs.paths import file_version

if TYPE_CHECKING:
    import pandas as pd

FloatArray = NDArray[np.float64]

#: Formats read, with the pvlib reader of each.
WEATHER_FORMATS = ("epw", "tmy3", "tmy2", "pvgis_tmy")
#: Columns every format provides after pvlib's variable mapping.
REQUIRED_COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")
#: Number of header lines before the first record, where it is fixed by the format.
HEADER_LINES = {"epw": 8, "tmy3": 2, "tmy2": 1}
#: Plausible ranges of the values a park uses (outside: the record is refused).
VALUE_RANGES = {
    "ghi": (0.0, 1500.0),
    "dni": (0.0, 1500.0),
    "dhi": (0.0, 1000.0),
    "temp_air": (-70.0, 60.0),
    "wind_speed": (0.0, 75.0),
}
HOURS_PER_YEAR = (8760, 8784)
#: Formats whose records pvlib labels by the hour's end (it relabels EPW and TMY2 to the start).
HOUR_END_FORMATS = ("tmy3",)


@dataclass(frozen=True)
class WeatherYear:
    """One typical year of hourly weather, keyed by the file's standard-time clock.

    Attributes
    ----------
    path
        The file as read.
    utc_offset_h
        The file's standard-time offset from UTC [h].
    latitude_deg, longitude_deg, altitude_m
        The station's site as the file states it.
    records
        Hourly records indexed by ``month * 10_000 + day * 100 + hour`` (hour 0-23 = the hour's
        start); columns ``ghi``, ``dni``, ``dhi`` [W/m2], ``temp_air`` [degC] and
        ``wind_speed`` [m/s, at the station's height, usually 10 m].
    """

    path: str
    utc_offset_h: float
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    records: pd.DataFrame


@dataclass(frozen=True)
class WeatherOnSteps:
    """A weather file's values on the run's steps, each of shape (n_steps,)."""

    ghi_w_m2: FloatArray
    dni_w_m2: FloatArray
    dhi_w_m2: FloatArray
    temp_air_c: FloatArray
    wind_speed_m_s: FloatArray


def detect_format(path: Path) -> str:
    """Weather format from the file name: ``.epw``/``.epw.gz``, ``.tm2``, ``.json``, else TMY3."""
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".epw"):
        return "epw"
    if name.endswith(".tm2"):
        return "tmy2"
    if name.endswith(".json"):
        return "pvgis_tmy"
    return "tmy3"


def _text(path: Path) -> str:
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8", errors="strict") as handle:
                return handle.read()
        return path.read_text(encoding="utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"not a readable UTF-8 text file ({exc})") from None


def _parse(path: Path, fmt: str, text: str) -> tuple[pd.DataFrame, dict[str, object]]:
    import pandas as pd
    from pvlib import iotools

    buffer = io.StringIO(text)
    if fmt == "epw":
        data, meta = iotools.read_epw(buffer)
    elif fmt == "tmy3":
        data, meta = iotools.read_tmy3(buffer, map_variables=True)
    elif fmt == "tmy2":
        if path.name.lower().endswith(".gz"):
            raise DataFileError(str(path), "TMY2 files are read uncompressed (.tm2)")
        data, meta = iotools.read_tmy2(str(path))
        # TMY2 gives temperature and wind speed in tenths of a unit.
        data = data.rename(columns={"GHI": "ghi", "DNI": "dni", "DHI": "dhi"})
        data["temp_air"] = pd.to_numeric(data["DryBulb"], errors="coerce") / 10.0
        data["wind_speed"] = pd.to_numeric(data["Wspd"], errors="coerce") / 10.0
    else:
        data, _, _, meta = _pvgis(iotools, buffer)
    return data, dict(meta)


def _pvgis(
    iotools: object, buffer: io.StringIO
) -> tuple[pd.DataFrame, object, object, dict[str, object]]:
    result = iotools.read_pvgis_tmy(buffer, pvgis_format="json", map_variables=True)  # type: ignore[attr-defined]
    data, meta = result[0], result[-1]
    inputs = meta.get("inputs", {}) if isinstance(meta, dict) else {}
    location = inputs.get("location", {}) if isinstance(inputs, dict) else {}
    flat = {
        "latitude": location.get("latitude", np.nan),
        "longitude": location.get("longitude", np.nan),
        "altitude": location.get("elevation", 0.0),
        "TZ": 0.0,
    }
    return data, None, None, flat


def _meta_number(
    meta: dict[str, object], keys: tuple[str, ...], path: Path, default: float | None = None
) -> float:
    for key in keys:
        if key in meta:
            try:
                value = float(meta[key])  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise DataFileError(
                    str(path), f"header field {key!r} is not a number", line=1, column=key
                ) from None
            if np.isfinite(value):
                return value
    if default is not None:
        return default
    raise DataFileError(str(path), f"header lacks {' or '.join(keys)}", line=1)


def _check_columns(path: Path, fmt: str, data: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise DataFileError(
            str(path), f"missing column(s) {', '.join(missing)} (after pvlib's variable names)"
        )
    header = HEADER_LINES.get(fmt)
    out = pd.DataFrame(index=data.index)
    for name in REQUIRED_COLUMNS:
        values = pd.to_numeric(data[name], errors="coerce").to_numpy(dtype=np.float64)
        low, high = VALUE_RANGES[name]
        bad = ~np.isfinite(values) | (values < low) | (values > high)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            line = None if header is None else header + row + 1
            raise DataFileError(
                str(path),
                f"value {data[name].iloc[row]!r} is not a number in [{low:g}, {high:g}]",
                line=line,
                column=name,
            )
        out[name] = values
    return out


@functools.lru_cache(maxsize=16)
def _read_cached(path_text: str, fmt: str, mtime_ns: int, size: int) -> WeatherYear:
    import pandas as pd

    path = Path(path_text)
    text = _text(path)
    try:
        data, meta = _parse(path, fmt, text)
    except DataFileError:
        raise
    except Exception as exc:  # pvlib raises many kinds on a malformed file
        raise DataFileError(
            path_text, f"not a valid {fmt} file ({type(exc).__name__}: {exc})"
        ) from None
    records = _check_columns(path, fmt, data)
    if len(records) not in HOURS_PER_YEAR:
        raise DataFileError(
            path_text, f"{len(records)} hourly records; a typical year has 8760 (or 8784)"
        )
    offset_h = _meta_number(meta, ("TZ",), path, default=0.0)
    index = records.index
    if not isinstance(index, pd.DatetimeIndex):
        raise DataFileError(path_text, "records have no timestamps")
    if index.tz is not None:
        # pvlib stamps the records in the file's own fixed offset: keep that wall clock.
        index = index.tz_localize(None)
    if fmt in HOUR_END_FORMATS:
        index = index - pd.Timedelta(hours=1)
    keys = index.month.to_numpy() * 10_000 + index.day.to_numpy() * 100 + index.hour.to_numpy()
    records.index = pd.Index(keys, name="month_day_hour")
    if records.index.has_duplicates:
        first = int(np.flatnonzero(records.index.duplicated())[0])
        header = HEADER_LINES.get(fmt)
        raise DataFileError(
            path_text,
            "an hour of the year appears twice",
            line=None if header is None else header + first + 1,
        )
    return WeatherYear(
        path=path_text,
        utc_offset_h=offset_h,
        latitude_deg=_meta_number(meta, ("latitude",), path),
        longitude_deg=_meta_number(meta, ("longitude",), path),
        altitude_m=_meta_number(meta, ("altitude",), path, default=0.0),
        records=records,
    )


def read_weather_file(path: Path, fmt: str = "auto") -> WeatherYear:
    """Read a weather file once (cached by path, modification time and size).

    Raises
    ------
    DataFileError
        Naming the file, and the line and column where the format fixes them, when the file is
        unreadable, lacks a column, holds a non-numeric or implausible value, or is not one
        whole year of hourly records.
    """
    chosen = detect_format(path) if fmt == "auto" else fmt
    mtime_ns, size = file_version(path)
    return _read_cached(str(path), chosen, mtime_ns, size)


def weather_on_steps(weather: WeatherYear, times: pd.DatetimeIndex) -> WeatherOnSteps:
    """The file's records on the run's steps, by the module's re-stamping rule."""
    import pandas as pd

    utc = times.tz_convert("UTC") if times.tz is not None else times.tz_localize("UTC")
    clock = utc.tz_localize(None) + pd.Timedelta(hours=weather.utc_offset_h)
    month = clock.month.to_numpy()
    day = clock.day.to_numpy()
    day = np.where((month == 2) & (day == 29), 28, day)
    keys = month * 10_000 + day * 100 + clock.hour.to_numpy()
    position = weather.records.index.get_indexer(keys)
    if np.any(position < 0):
        missing = int(keys[np.flatnonzero(position < 0)[0]])
        raise DataFileError(
            weather.path,
            f"no record for month {missing // 10_000}, day {missing // 100 % 100}, "
            f"hour {missing % 100}",
        )
    rows = weather.records.to_numpy(dtype=np.float64)[position]
    column = {name: k for k, name in enumerate(weather.records.columns)}
    return WeatherOnSteps(
        ghi_w_m2=rows[:, column["ghi"]].copy(),
        dni_w_m2=rows[:, column["dni"]].copy(),
        dhi_w_m2=rows[:, column["dhi"]].copy(),
        temp_air_c=rows[:, column["temp_air"]].copy(),
        wind_speed_m_s=rows[:, column["wind_speed"]].copy(),
    )
