"""The batched step of many parks equals the one-park step, bit for bit, park by park."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from agents.devices.battery import BatteryFleet
from agents.dispatch import ParkDispatchProblem, SelfConsumptionDispatch, step_dispatch
from agents.dispatch.batched import StackedFleet, batched_step, self_consumption_request_kw

FloatArray = NDArray[np.float64]
DT_H = 1.0


class FixedRequest:
    """A strategy that asks for a given power per unit (to reach the cut-back paths)."""

    name = "fixed"

    def __init__(self, request_kw: FloatArray) -> None:
        self.request_kw = request_kw

    def reset(self, problem: ParkDispatchProblem, rng: np.random.Generator) -> None:
        """Nothing to prepare."""

    def decide(self, t: int, soc_kwh: FloatArray, peak_import_kw_this_period: float) -> FloatArray:
        """The fixed request."""
        return self.request_kw


def _parks(rng: np.random.Generator, n_parks: int, n_units: int) -> list[ParkDispatchProblem]:
    problems = []
    for _ in range(n_parks):
        energy = rng.uniform(0.0, 2000.0, n_units)
        fleet = BatteryFleet.from_c_rate(
            energy,
            rng.uniform(0.1, 2.0, n_units),
            eta_charge=rng.uniform(0.8, 1.0, n_units),
            eta_discharge=rng.uniform(0.8, 1.0, n_units),
            soc_min_frac=rng.uniform(0.0, 0.2, n_units),
            soc_max_frac=rng.uniform(0.8, 1.0, n_units),
            self_discharge_per_h=rng.uniform(0.0, 0.001, n_units),
            degradation_cny_per_kwh=rng.uniform(0.0, 0.2, n_units),
        )
        renewable = rng.uniform(0.0, 3000.0)
        # Net load from a deep surplus to a deficit beyond the (sometimes small) grid limit.
        net_load = rng.choice([-1.0, 0.0, 1.0]) * rng.uniform(0.0, 1.0) * renewable + rng.uniform(
            -200.0, 3000.0
        )
        net_load = max(net_load, -renewable)
        problems.append(
            ParkDispatchProblem(
                dt_h=DT_H,
                net_load_kw=np.array([net_load]),
                renewable_kw=np.array([renewable]),
                import_price_cny_per_kwh=np.array([0.6]),
                export_price_cny_per_kwh=np.array([0.3]),
                billing_period=np.array([0]),
                demand_charge_cny_per_kw_month=30.0,
                grid_limit_kw=float(rng.choice([100.0, 1000.0, 1e5])),
                fleet=fleet,
            )
        )
    return problems


def _soc(rng: np.random.Generator, fleet: BatteryFleet) -> FloatArray:
    out: FloatArray = rng.uniform(fleet.soc_min_kwh, fleet.soc_max_kwh)
    return out


@pytest.mark.parametrize("n_units", [0, 1, 3, 9, 17])
@pytest.mark.parametrize("source", ["self_consumption", "random_request"])
def test_batched_step_equals_one_park_step(n_units: int, source: str) -> None:
    rng = np.random.default_rng(n_units * 7 + len(source))
    for _ in range(20):
        problems = _parks(rng, 12, n_units)
        soc = np.array([_soc(rng, p.fleet) for p in problems]).reshape(12, n_units)
        fleet = StackedFleet.stack([p.fleet for p in problems], DT_H)
        net_load = np.array([p.net_load_kw[0] for p in problems])
        renewable = np.array([p.renewable_kw[0] for p in problems])
        limit = np.array([p.grid_limit_kw for p in problems])
        if source == "self_consumption":
            request = self_consumption_request_kw(net_load, soc, DT_H, fleet)
        else:
            request = rng.uniform(-3000.0, 3000.0, (12, n_units))
        batch = batched_step(request, soc, net_load, renewable, limit, DT_H, fleet)
        for k, problem in enumerate(problems):
            strategy: SelfConsumptionDispatch | FixedRequest = (
                SelfConsumptionDispatch()
                if source == "self_consumption"
                else FixedRequest(request[k])
            )
            strategy.reset(problem, rng)
            one = step_dispatch(0, soc[k], 0.0, problem, strategy, validate=False)
            # Bit for bit: the engine's results must not depend on how parks are grouped.
            assert batch.soc_kwh[k].tobytes() == one.soc_kwh.tobytes()
            assert batch.charge_kw[k].tobytes() == one.charge_kw.tobytes()
            assert batch.discharge_kw[k].tobytes() == one.discharge_kw.tobytes()
            for name in ("import_kw", "export_kw", "curtailment_kw", "unserved_kw"):
                assert getattr(batch, name)[k] == getattr(one, name), name
            assert batch.degradation_cny[k] == one.degradation_cny
