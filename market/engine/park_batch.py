"""Parks stepped together: one array step for every park of a rule-based strategy and fleet size.

:func:`park_batches` groups the park runs whose operator uses ``self_consumption`` or no
strategy (``idle``) by strategy and number of storage units; a :class:`ParkBatch` then steps
its parks with :func:`agents.dispatch.batched.batched_step` and writes each park's flows into
that park's own records (the park runs' arrays are rows of the batch's arrays), so settlement,
markets and results read them as before. Parks whose strategy plans ahead (``tou_arbitrage``,
``optimal``) keep stepping one by one, as do all parks when investments can change a park's
equipment during the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from agents.dispatch.batched import (
    BATCHED_STRATEGIES,
    StackedFleet,
    batched_step,
    self_consumption_request_kw,
)
from market.engine.park_run import ParkRun

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class ParkBatch:
    """Parks of one rule-based strategy and fleet size, with their state as arrays.

    Attributes
    ----------
    members
        Positions of the parks in the simulation's list of runs.
    runs
        Their park runs (records are views of this batch's arrays).
    strategy
        ``self_consumption`` or ``idle``.
    """

    members: list[int]
    runs: list[ParkRun]
    strategy: str
    dt_h: float
    fleet: StackedFleet
    soc_kwh: FloatArray
    net_load_kw: FloatArray
    renewable_kw: FloatArray
    billing_period: IntArray
    grid_limit_kw: FloatArray
    period_peak_kw: FloatArray
    import_kw: FloatArray
    export_kw: FloatArray
    curtailment_kw: FloatArray
    unserved_kw: FloatArray
    charge_kw: FloatArray
    discharge_kw: FloatArray
    soc_record_kwh: FloatArray
    degradation_cny: FloatArray

    @classmethod
    def create(cls, members: list[int], runs: list[ParkRun], strategy: str) -> ParkBatch:
        """Stack the parks' problems and state and point their records at the batch's arrays."""
        problems = [r.problem for r in runs]
        assert all(p is not None for p in problems)
        dt_h = runs[0].inputs.dt_h
        n = runs[0].inputs.n_steps
        n_units = runs[0].inputs.unit_owner.size
        size = len(runs)
        batch = cls(
            members=members,
            runs=runs,
            strategy=strategy,
            dt_h=dt_h,
            fleet=StackedFleet.stack([r.inputs.fleet for r in runs], dt_h),
            soc_kwh=np.array([r.soc_kwh for r in runs], dtype=np.float64).reshape(size, n_units),
            net_load_kw=np.stack([p.net_load_kw for p in problems if p is not None], axis=1),
            renewable_kw=np.stack([p.renewable_kw for p in problems if p is not None], axis=1),
            billing_period=np.stack([p.billing_period for p in problems if p is not None], axis=1),
            grid_limit_kw=np.array([p.grid_limit_kw for p in problems if p is not None]),
            period_peak_kw=np.zeros(size),
            import_kw=np.zeros((size, n)),
            export_kw=np.zeros((size, n)),
            curtailment_kw=np.zeros((size, n)),
            unserved_kw=np.zeros((size, n)),
            charge_kw=np.zeros((size, n, n_units)),
            discharge_kw=np.zeros((size, n, n_units)),
            soc_record_kwh=np.zeros((size, n, n_units)),
            degradation_cny=np.zeros((size, n)),
        )
        for k, run in enumerate(runs):
            run.import_kw = batch.import_kw[k]
            run.export_kw = batch.export_kw[k]
            run.curtailment_kw = batch.curtailment_kw[k]
            run.unserved_kw = batch.unserved_kw[k]
            run.charge_kw = batch.charge_kw[k]
            run.discharge_kw = batch.discharge_kw[k]
            run.soc_record_kwh = batch.soc_record_kwh[k]
            run.degradation_cny = batch.degradation_cny[k]
        return batch

    def step(self, t: int) -> None:
        """Dispatch and settle the grid exchange of step ``t`` for every park of the batch."""
        net_load = self.net_load_kw[t]
        if self.strategy == "self_consumption":
            request = self_consumption_request_kw(net_load, self.soc_kwh, self.dt_h, self.fleet)
        else:
            request = np.zeros_like(self.soc_kwh)
        result = batched_step(
            request,
            self.soc_kwh,
            net_load,
            self.renewable_kw[t],
            self.grid_limit_kw,
            self.dt_h,
            self.fleet,
        )
        self.soc_kwh = result.soc_kwh
        self.import_kw[:, t] = result.import_kw
        self.export_kw[:, t] = result.export_kw
        self.curtailment_kw[:, t] = result.curtailment_kw
        self.unserved_kw[:, t] = result.unserved_kw
        self.charge_kw[:, t] = result.charge_kw
        self.discharge_kw[:, t] = result.discharge_kw
        self.soc_record_kwh[:, t] = result.soc_kwh
        self.degradation_cny[:, t] = result.degradation_cny
        # Highest import of each park's billing period so far (reset when a period opens).
        period = self.billing_period[t]
        if t > 0:
            opened = period != self.billing_period[t - 1]
            self.period_peak_kw = np.where(opened, 0.0, self.period_peak_kw)
        self.period_peak_kw = np.maximum(self.period_peak_kw, result.import_kw)
        for k, run in enumerate(self.runs):
            run.period_peak_kw[int(period[k])] = float(self.period_peak_kw[k])

    def finish(self) -> None:
        """Hand the final state of charge back to the park runs."""
        for k, run in enumerate(self.runs):
            run.soc_kwh = self.soc_kwh[k].copy()


def park_batches(runs: list[ParkRun], allowed: bool) -> list[ParkBatch]:
    """Group the runs that can be stepped together (none when ``allowed`` is false)."""
    if not allowed:
        return []
    groups: dict[tuple[str, int], list[int]] = {}
    for k, run in enumerate(runs):
        name = run.inputs.operator_strategy
        if name not in BATCHED_STRATEGIES:
            continue
        kind = "self_consumption" if name == "self_consumption" else "idle"
        groups.setdefault((kind, run.inputs.unit_owner.size), []).append(k)
    return [
        ParkBatch.create(members, [runs[k] for k in members], kind)
        for (kind, _), members in groups.items()
    ]
