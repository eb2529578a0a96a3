"""Write ``xian_park_2025-05.csv``: 15-minute readings of two example meters, 1 May - 2 June 2025.

The readings are made up for the example scenario ``configs/operator_data.yaml``: an electronics
plant working 08:00-17:00 on weekdays and a food plant running two shifts, each with 3 % noise.
Two gaps show the fill rule: 30 minutes on 12 May (interpolated) and 3 hours on 20 May (copied
from a week earlier). Run from the repository root:
``python configs/data/meters/make_example_meters.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).with_name("xian_park_2025-05.csv")
SEED = 2025


def main() -> None:
    """Build the readings and write the CSV file (local time, Asia/Shanghai)."""
    rng = np.random.default_rng(SEED)
    times = pd.date_range("2025-05-01 00:00", "2025-06-02 23:45", freq="15min")
    hour = times.hour.to_numpy() + times.minute.to_numpy() / 60.0
    weekday = times.day_of_week.to_numpy() < 5
    day_shift = (hour >= 8.0) & (hour < 17.0) & weekday
    two_shift = (hour >= 6.0) & (hour < 22.0) & (times.day_of_week.to_numpy() < 6)
    electronics = np.where(day_shift, 820.0, 260.0) * (1 + 0.03 * rng.standard_normal(times.size))
    food = np.where(two_shift, 1550.0, 480.0) * (1 + 0.03 * rng.standard_normal(times.size))
    frame = pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%d %H:%M"),
            "electronics_a": np.round(electronics, 1).astype(str),
            "food_b": np.round(food, 1).astype(str),
        }
    )
    short = (times >= "2025-05-12 10:00") & (times < "2025-05-12 10:30")
    frame.loc[short, "electronics_a"] = ""
    long = (times >= "2025-05-20 09:00") & (times < "2025-05-20 12:00")
    frame = frame.loc[~long]
    frame.to_csv(OUT, index=False, lineterminator="\n")


if __name__ == "__main__":
    main()
