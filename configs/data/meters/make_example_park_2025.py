"""Write ``example_park_2025.csv``: illustrative hourly meter readings of three firms for 2025.

The readings are made up (a daily shift shape, weekends, a summer cooling bump and seeded noise),
not measured. Two gaps show the gap rule: one empty cell (filled linearly) and four missing hours
(filled from the week before). Run ``python make_example_park_2025.py`` in this folder; the
output is the same on every run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).with_name("example_park_2025.csv")
SEED = 2025


def shift_shape(hour: np.ndarray, first_h: float, last_h: float) -> np.ndarray:
    """1 inside the working hours ``[first_h, last_h)``, 0 outside."""
    return ((hour >= first_h) & (hour < last_h)).astype(float)


def main() -> None:
    """Build the table and write it."""
    times = pd.date_range("2025-01-01 00:00", "2025-12-31 23:00", freq="h")
    hour = times.hour.to_numpy().astype(float)
    weekday = times.day_of_week.to_numpy() < 5
    summer = np.exp(-(((times.day_of_year.to_numpy() - 200) / 40.0) ** 2))
    rng = np.random.default_rng(SEED)
    noise = 1.0 + 0.04 * rng.standard_normal((times.size, 3))
    electronics = (90.0 + 80.0 * shift_shape(hour, 6, 22) + 40.0 * summer) * noise[:, 0]
    equipment = (60.0 + 900.0 * shift_shape(hour, 8, 17) * weekday + 60.0 * summer) * noise[:, 1]
    food = (220.0 + 200.0 * shift_shape(hour, 6, 22) + 80.0 * summer) * noise[:, 2]
    table = pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%d %H:%M"),
            "electronics_a_kw": np.round(electronics, 1).astype(str),
            "equipment_b_kw": np.round(equipment, 1).astype(str),
            "food_d_kw": np.round(food, 1).astype(str),
        }
    )
    table.loc[times == pd.Timestamp("2025-06-05 10:00"), "equipment_b_kw"] = ""
    missing = (times >= pd.Timestamp("2025-06-10 13:00")) & (
        times < pd.Timestamp("2025-06-10 17:00")
    )
    table[~missing].to_csv(OUT, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
