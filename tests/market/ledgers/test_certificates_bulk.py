"""Certificates issued in bulk per day equal those issued hour by hour (conservation)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from market.ledgers import CertificateRegistry

HOURS_PER_DAY = 24


def _registry(n_generators: int) -> CertificateRegistry:
    return CertificateRegistry(np.arange(n_generators), n_holders=n_generators, n_parks=1)


# Generation in eighths of a MWh is exact in binary floating point, so the day's sum is exact
# and bulk and hourly issuance must agree to the certificate; up to 3 MWh per generator-hour.
eighths = st.integers(min_value=0, max_value=24)


@settings(max_examples=30, deadline=None)
@given(
    n_generators=st.integers(min_value=1, max_value=4),
    days=st.integers(min_value=1, max_value=3),
    data=st.data(),
)
def test_daily_bulk_issuance_conserves_certificates(
    n_generators: int, days: int, data: st.DataObject
) -> None:
    hours = days * HOURS_PER_DAY
    counts = data.draw(
        st.lists(eighths, min_size=hours * n_generators, max_size=hours * n_generators)
    )
    generation = np.array(counts, dtype=float).reshape(hours, n_generators) / 8.0
    gens = np.arange(n_generators)
    hourly, daily = _registry(n_generators), _registry(n_generators)
    for h in range(hours):
        hourly.issue(gens, 0, h, generation[h])
    for d in range(days):
        block = generation[d * HOURS_PER_DAY : (d + 1) * HOURS_PER_DAY]
        daily.issue(gens, 0, d * HOURS_PER_DAY, block.sum(axis=0))
        # Conservation at every day's end: issued + carried = metered, and every issued
        # certificate is held by its generator's owner.
        np.testing.assert_allclose(
            daily.issued_by_generator() + daily.carried_mwh(), daily.metered_mwh(), atol=1e-9
        )
        np.testing.assert_array_equal(daily.holdings(), daily.issued_by_generator())
    np.testing.assert_array_equal(daily.issued_by_generator(), hourly.issued_by_generator())
    np.testing.assert_array_equal(daily.holdings(), hourly.holdings())
    np.testing.assert_array_equal(daily.metered_mwh(), hourly.metered_mwh())
    assert daily.issued_count == hourly.issued_count == int(np.floor(generation.sum(axis=0)).sum())
    assert daily.n_batches <= hourly.n_batches
    daily.check_invariants()
    hourly.check_invariants()
