"""Production schedules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from market.schedule import STANDBY_FRAC, annual_weight_h, schedule_weights


def test_one_shift_weekday_hours() -> None:
    # 2025-06-02 is a Monday.
    times = pd.date_range("2025-06-02", periods=24 * 7, freq="h", tz="Asia/Shanghai")
    w = schedule_weights(times, "one_shift")
    assert w[8] == 1.0 and w[16] == 1.0 and w[17] == STANDBY_FRAC and w[7] == STANDBY_FRAC
    assert np.all(w[24 * 5 : 24 * 7] == STANDBY_FRAC)  # weekend off
    assert w.sum() == pytest.approx(5 * 9 + (168 - 45) * STANDBY_FRAC)


def test_continuous_is_flat_and_annual_weight() -> None:
    assert annual_weight_h("continuous", 2025, "Asia/Shanghai") == 8760.0
    assert annual_weight_h("continuous", 2024, "Asia/Shanghai") == 8784.0


def test_unknown_schedule_names_allowed_values() -> None:
    times = pd.date_range("2025-01-01", periods=2, freq="h")
    with pytest.raises(ValueError, match="continuous, two_shift, one_shift"):
        schedule_weights(times, "night")
