"""Warm-up of a Dask worker: the engine is imported and HiGHS loaded before the first run arrives.

Local clusters started by :func:`market.studies.execute.dask_client` preload this module in every
worker. On a cluster of your own, start each worker with it::

    dask worker tcp://10.0.0.5:8786 --preload market.studies.worker_warmup
"""

from __future__ import annotations

from typing import Any

import market.config  # noqa: F401  (the scenario schema, imported once per worker)
import market.runner  # noqa: F401  (the engine, imported once per worker)
from market.native_output import load_highs_quietly


def dask_setup(worker: Any) -> None:
    """Called by Dask once the worker has started: load the HiGHS library quietly."""
    load_highs_quietly()
