"""Settings shared by every test.

Property tests have no per-example deadline: speed is measured by the benchmarks in ``bench/``,
never by unit tests, and a loaded machine must not turn a slow example into a failure.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("greenmarket", deadline=None)
settings.load_profile("greenmarket")
