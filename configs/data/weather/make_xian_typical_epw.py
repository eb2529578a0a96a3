"""Write ``xian_typical.epw.gz``: a synthetic typical year for Xi'an in EPW format.

The year is made by greenmarket's own weather models, not measured: the calibrated Xi'an
clear-sky index (``agents.devices.pv.clearness_index_series``) on pvlib's Ineichen clear sky
gives GHI, pvlib's Erbs model splits it into DNI and DHI, the Xi'an temperature model
(``agents.devices.weather.ambient_temperature_c``) gives air temperature, and a Weibull wind at
10 m (mean 2.2 m/s, k = 1.8, assumed) gives wind speed. It exists to show and test the weather
file path; use a measured or TMY file (EPW, TMY3, TMY2 or PVGIS) for real studies.

Run from the repository root: ``python configs/data/weather/make_xian_typical_epw.py``.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from agents.devices.pv import XIAN_CLEARNESS, clearness_index_series
from agents.devices.weather import ambient_temperature_c
from agents.devices.wind import weibull_wind_speed_m_s

LATITUDE_DEG, LONGITUDE_DEG, ALTITUDE_M, UTC_OFFSET_H = 34.26, 108.94, 400.0, 8.0
SEED = 2023
OUT = Path(__file__).with_name("xian_typical.epw.gz")

HEADER = [
    "LOCATION,Xi'an (greenmarket synthetic typical year),Shaanxi,CHN,greenmarket synthetic,"
    f"570360,{LATITUDE_DEG},{LONGITUDE_DEG},{UTC_OFFSET_H},{ALTITUDE_M}",
    "DESIGN CONDITIONS,0",
    "TYPICAL/EXTREME PERIODS,0",
    "GROUND TEMPERATURES,0",
    "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
    "COMMENTS 1,Synthetic year from greenmarket's calibrated Xi'an sky and climate models",
    "COMMENTS 2,Made by configs/data/weather/make_xian_typical_epw.py; not measured data",
    "DATA PERIODS,1,1,Data,Sunday,1/1,12/31",
]


def main() -> None:
    """Build the year and write the gzipped EPW file."""
    rng = np.random.default_rng(SEED)
    tz = f"Etc/GMT-{int(UTC_OFFSET_H)}"
    starts = pd.date_range("2023-01-01", periods=8760, freq="h", tz=tz)
    mid = starts + pd.Timedelta(minutes=30)
    solpos = pvlib.solarposition.get_solarposition(mid, LATITUDE_DEG, LONGITUDE_DEG, ALTITUDE_M)
    location = pvlib.location.Location(LATITUDE_DEG, LONGITUDE_DEG, tz, ALTITUDE_M)
    clear = location.get_clearsky(mid, model="ineichen", solar_position=solpos)
    index = clearness_index_series(starts, rng, XIAN_CLEARNESS)
    ghi = np.clip(index * clear["ghi"].to_numpy(), 0.0, None)
    split = pvlib.irradiance.erbs(ghi, solpos["zenith"].to_numpy(), mid)
    dni = np.nan_to_num(np.asarray(split["dni"], dtype=float))
    dhi = np.nan_to_num(np.asarray(split["dhi"], dtype=float))
    temp = np.asarray(ambient_temperature_c(starts.tz_localize(None), rng=rng), dtype=float)
    wind = np.asarray(weibull_wind_speed_m_s(8760, 2.2, 1.8, rng, autocorrelation=0.8))
    lines = list(HEADER)
    for k, t in enumerate(starts):
        fields = [
            "2023", str(t.month), str(t.day), str(t.hour + 1), "0", "?",
            f"{temp[k]:.1f}", "99.9", "999", "96500", "9999", "9999", "9999",
            f"{ghi[k]:.0f}", f"{dni[k]:.0f}", f"{dhi[k]:.0f}",
            "999999", "999999", "999999", "9999", "999", f"{wind[k]:.1f}",
            "99", "99", "9999", "99999", "9", "999999999", "999", "0.999", "999", "99",
            "999", "999", "99",
        ]  # fmt: skip
        lines.append(",".join(fields))
    # A fixed gzip header time keeps the file byte-identical between runs.
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    with OUT.open("wb") as target, gzip.GzipFile(fileobj=target, mode="wb", mtime=0) as handle:
        handle.write(raw)


if __name__ == "__main__":
    main()
