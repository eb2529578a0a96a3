"""Defaults of the dispatch problem that the scenario schema states (importing no numpy)."""

from __future__ import annotations

#: Assumed default value of lost load [CNY/kWh] charged for unserved energy.
DEFAULT_VALUE_OF_LOST_LOAD_CNY_PER_KWH = 50.0
