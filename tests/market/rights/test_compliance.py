"""Annual compliance: surrender, shortfall penalties, make-good and banking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.ledgers import RightsLedger
from market.rights import (
    ComplianceError,
    CompliancePolicy,
    PenaltyRule,
    apply_make_good,
    assess_compliance,
    average_price_cny_per_tce,
    settle_compliance,
)

FIXED_100 = PenaltyRule(kind="fixed", fixed_cny_per_tce=100.0)


def test_fixed_penalty_hand_example() -> None:
    # held [10, 5, 0], use [8, 7, 3] -> surrendered [8, 5, 0], shortfall [0, 2, 3],
    # penalty at 100 CNY/tce [0, 200, 300]; firm 0 banks 2.
    res = assess_compliance(
        [10.0, 5.0, 0.0], [8.0, 7.0, 3.0], CompliancePolicy(FIXED_100), math.nan, 2025
    )
    np.testing.assert_allclose(res.surrendered_tce, [8.0, 5.0, 0.0])
    np.testing.assert_allclose(res.shortfall_tce, [0.0, 2.0, 3.0])
    np.testing.assert_allclose(res.penalty_cny, [0.0, 200.0, 300.0])
    np.testing.assert_array_equal(res.compliant, [True, False, False])
    np.testing.assert_allclose(res.make_good_tce, [0.0, 2.0, 3.0])
    np.testing.assert_allclose(res.banked_tce, [2.0, 0.0, 0.0])
    np.testing.assert_allclose(res.expired_tce, [0.0, 0.0, 0.0])
    assert res.total_penalty_cny == 500.0
    assert res.compliance_rate == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="read-only"):
        res.penalty_cny[0] = 1.0


def test_price_multiple_penalty_uses_the_volume_weighted_average_price() -> None:
    # trades: 1 tce at 100, 3 tce at 200 -> average 175; 3 x 175 = 525 CNY/tce
    avg = average_price_cny_per_tce([100.0, 200.0, math.nan], [1.0, 3.0, 0.0])
    assert avg == pytest.approx(175.0)
    rule = PenaltyRule(kind="price_multiple", multiple=3.0)
    res = assess_compliance([0.0], [2.0], CompliancePolicy(rule), avg, 2025)
    assert res.penalty_rate_cny_per_tce == pytest.approx(525.0)
    assert res.penalty_cny[0] == pytest.approx(1050.0)


def test_price_multiple_minimum_and_fallback_when_nothing_traded() -> None:
    assert math.isnan(average_price_cny_per_tce([], []))
    low = PenaltyRule(kind="price_multiple", multiple=3.0, minimum_cny_per_tce=500.0)
    assert low.rate_cny_per_tce(100.0) == 500.0  # 3 x 100 = 300 < minimum 500
    fb = PenaltyRule(kind="price_multiple", multiple=2.0, fallback_price_cny_per_tce=80.0)
    assert fb.rate_cny_per_tce(math.nan) == 160.0
    with pytest.raises(ComplianceError, match="no fallback_price_cny_per_tce"):
        PenaltyRule(kind="price_multiple", multiple=2.0).rate_cny_per_tce(math.nan)


def test_exact_and_float_noise_holdings_comply() -> None:
    use = 0.1 + 0.2  # 0.30000000000000004
    res = assess_compliance(
        [0.3, 5.0, 0.0], [use, 5.0, 0.0], CompliancePolicy(FIXED_100), math.nan, 2025
    )
    np.testing.assert_array_equal(res.compliant, [True, True, True])
    np.testing.assert_array_equal(res.shortfall_tce, [0.0, 0.0, 0.0])
    assert res.total_penalty_cny == 0.0


def test_banking_off_expires_leftover_rights_in_the_ledger() -> None:
    ledger = RightsLedger(2, 2025)
    ledger.allocate([0, 1], [10.0, 4.0], 2025)
    policy = CompliancePolicy(FIXED_100, make_good=False, banking=False)
    res = settle_compliance(ledger, [7.0, 6.0], policy, math.nan)
    np.testing.assert_allclose(res.expired_tce, [3.0, 0.0])
    np.testing.assert_allclose(res.make_good_tce, [0.0, 0.0])
    np.testing.assert_allclose(ledger.held_tce, [0.0, 0.0])
    np.testing.assert_allclose(ledger.surrendered_tce, [7.0, 4.0])
    np.testing.assert_allclose(ledger.cancelled_tce, [3.0, 0.0])
    assert ledger.year == 2026
    ledger.check_conservation()


def test_banking_on_carries_rights_and_make_good_cuts_next_allocation() -> None:
    # year 1: firm 0 banks 3, firm 1 is 2 short. year 2 allocation [5, 5] -> [5, 3].
    ledger = RightsLedger(2, 2025)
    ledger.allocate([0, 1], [10.0, 4.0], 2025)
    res = settle_compliance(ledger, [7.0, 6.0], CompliancePolicy(FIXED_100), math.nan)
    np.testing.assert_allclose(ledger.held_tce, [3.0, 0.0])
    alloc, owed = apply_make_good([5.0, 5.0], res.make_good_tce)
    np.testing.assert_allclose(alloc, [5.0, 3.0])
    np.testing.assert_allclose(owed, [0.0, 0.0])
    ledger.allocate([0, 1], alloc, 2026)
    np.testing.assert_allclose(ledger.held_tce, [8.0, 3.0])
    ledger.check_conservation()


def test_make_good_larger_than_allocation_carries_over() -> None:
    # allocation [10, 1, 5], owed [3, 4, 0] -> [7, 0, 5], still owed [0, 3, 0]
    alloc, owed = apply_make_good([10.0, 1.0, 5.0], [3.0, 4.0, 0.0])
    np.testing.assert_allclose(alloc, [7.0, 0.0, 5.0])
    np.testing.assert_allclose(owed, [0.0, 3.0, 0.0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: PenaltyRule(kind="jail"), r"penalty kind 'jail' is not allowed"),  # type: ignore[arg-type]
        (lambda: PenaltyRule(fixed_cny_per_tce=-5.0), r"fixed_cny_per_tce = -5.0"),
        (lambda: PenaltyRule(kind="price_multiple", multiple=math.nan), r"multiple = nan"),
        (
            lambda: assess_compliance([1.0], [-2.0], CompliancePolicy(FIXED_100), 0.0, 2025),
            r"counted_use_tce\[0\] = -2.0 tce is not allowed",
        ),
        (
            lambda: assess_compliance([1.0, 2.0], [1.0], CompliancePolicy(FIXED_100), 0.0, 2025),
            r"counted_use_tce must be one value per firm \(2\)",
        ),
        (lambda: apply_make_good([1.0], [math.inf]), r"owed_tce\[0\] = inf"),
    ],
)
def test_bad_input_raises_a_named_error(call, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ComplianceError, match=message):
        call()


def test_rejected_settlement_leaves_the_ledger_unchanged() -> None:
    ledger = RightsLedger(2, 2025)
    ledger.allocate([0, 1], [10.0, 4.0], 2025)
    before = ledger.snapshot()
    with pytest.raises(ComplianceError):
        settle_compliance(ledger, [7.0, math.nan], CompliancePolicy(FIXED_100), math.nan)
    assert ledger.snapshot() == before


values = st.lists(st.floats(0.0, 1e6), min_size=1, max_size=20)


@settings(max_examples=80, deadline=None)
@given(values, st.data(), st.booleans(), st.booleans())
def test_compliance_identities(
    held: list[float], data: st.DataObject, bank: bool, mg: bool
) -> None:
    use = data.draw(st.lists(st.floats(0.0, 1e6), min_size=len(held), max_size=len(held)))
    res = assess_compliance(held, use, CompliancePolicy(FIXED_100, mg, bank), math.nan, 2025)
    h, u = np.array(held), np.array(use)
    # surrendered + shortfall covers the use; surrendered + banked + expired uses up holdings
    np.testing.assert_allclose(res.surrendered_tce + res.shortfall_tce, u, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(res.surrendered_tce + res.banked_tce + res.expired_tce, h)
    assert np.all(res.surrendered_tce <= h)
    np.testing.assert_array_equal(res.compliant, res.shortfall_tce == 0.0)
    np.testing.assert_allclose(res.penalty_cny, 100.0 * res.shortfall_tce)
