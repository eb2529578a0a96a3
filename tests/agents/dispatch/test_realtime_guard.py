"""Real-time guard: charging never lifts the import above its cap; surprises are shaved."""

from __future__ import annotations

import numpy as np
import pytest

from agents.devices.battery import BatteryFleet
from agents.dispatch.realtime_guard import guard_request

FLEET = BatteryFleet.from_c_rate(
    [100.0, 300.0], 0.5, eta_charge=1.0, eta_discharge=1.0, soc_min_frac=0.1, soc_max_frac=1.0
)


def import_kw(net_load_kw: float, request: np.ndarray) -> float:
    return net_load_kw + float(request.sum())


def test_request_within_both_caps_is_unchanged() -> None:
    request = np.array([20.0, 60.0])
    out = guard_request(request, np.array([50.0, 150.0]), 500.0, 600.0, 600.0, 1.0, FLEET)
    np.testing.assert_array_equal(out, request)


def test_charging_is_cut_in_proportion_to_the_cap() -> None:
    request = np.array([20.0, 60.0])
    out = guard_request(request, np.array([50.0, 150.0]), 560.0, 600.0, 640.0, 1.0, FLEET)
    assert import_kw(560.0, out) == pytest.approx(600.0)
    np.testing.assert_allclose(out, [10.0, 30.0])


def test_load_above_the_cap_stops_charging_and_discharges_within_soc_limits() -> None:
    # Unit 0 can give 40 kW (SoC 50, minimum 10); unit 1 its 150 kW rating.
    request = np.array([20.0, 60.0])
    soc = np.array([50.0, 250.0])
    out = guard_request(request, soc, 700.0, 600.0, 600.0, 1.0, FLEET)
    assert import_kw(700.0, out) == pytest.approx(600.0)
    assert np.all(out <= 0.0)
    exhausted = guard_request(request, soc, 900.0, 600.0, 600.0, 1.0, FLEET)
    np.testing.assert_allclose(exhausted, [-40.0, -150.0])


def test_planned_discharge_is_kept_and_topped_up() -> None:
    request = np.array([-10.0, -30.0])
    soc = np.array([100.0, 300.0])
    out = guard_request(request, soc, 680.0, 600.0, 620.0, 1.0, FLEET)
    assert import_kw(680.0, out) == pytest.approx(620.0)
    assert np.all(out <= request)
