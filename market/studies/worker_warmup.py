"""Warm-up of a Dask worker: the engine runs once before the first run of a study arrives.

A fresh interpreter pays for more than its imports on its first run (the engine's lazily loaded
modules, the HiGHS library, reference data read once and kept). Local clusters started by
:func:`market.studies.execute.dask_client` preload this module in every worker, so each worker
pays that while the cluster starts, all workers at once. On a cluster of your own, start each
worker with it::

    dask worker tcp://10.0.0.5:8786 --preload market.studies.worker_warmup
"""

from __future__ import annotations

from typing import Any

WARMUP_SCENARIO: dict[str, Any] = {
    "name": "worker_warmup",
    "time": {"start": "2025-06-02T00:00:00", "horizon_h": 24},
    "markets": {"green_power": {"enabled": True}, "energy_rights": {"enabled": True}},
    "parks": [
        {
            "name": "warmup",
            "grid": {"connection_limit_kw": 5000},
            "shared_assets": {"pv_kwp": 100, "battery": {"energy_kwh": 100}},
            "operator": {"strategy": "optimal", "horizon_h": 24, "reoptimise_every_h": 24},
            "firms": [
                {"name": "a", "sector": "electronics", "output_t_per_yr": 400,
                 "assets": {"pv_kwp": 100}},
                {"name": "b", "sector": "food", "output_t_per_yr": 2000},
            ],
        }
    ],
}
"""One day of a two-firm park with both markets and optimal dispatch: every part of a run."""


def warm_up() -> None:
    """Load HiGHS quietly and simulate :data:`WARMUP_SCENARIO` once, discarding the results."""
    from market.config import parse_config
    from market.native_output import load_highs_quietly
    from market.runner import simulate

    load_highs_quietly()
    simulate(parse_config(WARMUP_SCENARIO, source="worker warm-up"))


def dask_setup(worker: Any) -> None:
    """Called by Dask once the worker has started."""
    warm_up()
