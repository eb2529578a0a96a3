"""Tests of the energy-use-rights ledger."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from market.ledgers import LedgerError, LedgerInvariantError, RightsLedger

YEAR = 2025


def test_hand_example_balances() -> None:
    # allocate 100/50/0; firm 0 sells 30 to firm 2 and 10 to firm 1;
    # held = 60/60/30; surrender 55/60/30 -> held 5/0/0; no banking -> 5 cancelled.
    ledger = RightsLedger(3, YEAR)
    ledger.allocate([0, 1, 2], [100.0, 50.0, 0.0], YEAR, "free")
    ledger.transfer([0, 0], [2, 1], [30.0, 10.0])
    np.testing.assert_allclose(ledger.held_tce, [60.0, 60.0, 30.0])
    ledger.surrender([0, 1, 2], [55.0, 60.0, 30.0], YEAR)
    expired = ledger.close_year(YEAR, banking=False)
    np.testing.assert_allclose(expired, [5.0, 0.0, 0.0])
    np.testing.assert_allclose(ledger.held_tce, 0.0)
    assert ledger.surrendered_in_year_tce(YEAR) == pytest.approx(145.0)
    assert ledger.cancelled_in_year_tce(YEAR) == pytest.approx(5.0)
    assert ledger.allocated_tce(YEAR, "free") == pytest.approx(150.0)
    assert ledger.year == YEAR + 1
    ledger.check_conservation()


def test_banking_keeps_holdings_into_next_year() -> None:
    ledger = RightsLedger(2, YEAR)
    ledger.allocate([0, 1], [10.0, 4.0], YEAR)
    ledger.surrender([0], [6.0], YEAR)
    expired = ledger.close_year(YEAR, banking=True)
    np.testing.assert_array_equal(expired, [0.0, 0.0])
    np.testing.assert_allclose(ledger.held_tce, [4.0, 4.0])
    ledger.allocate([0], [1.0], YEAR + 1)
    ledger.surrender([1], [4.0], YEAR + 1)  # banked rights count next year
    ledger.check_conservation()


def test_reserve_keeps_its_holding_when_banking_is_off() -> None:
    ledger = RightsLedger(2, YEAR)
    ledger.fund_reserve(20.0, YEAR)
    ledger.reserve_sell([0, 1], [5.0, 3.0])  # ceiling sales
    ledger.reserve_buy([0], [2.0])  # floor purchase
    assert ledger.reserve_held_tce == pytest.approx(14.0)
    ledger.close_year(YEAR, banking=False)
    assert ledger.reserve_held_tce == pytest.approx(14.0)
    np.testing.assert_allclose(ledger.cancelled_tce, [3.0, 3.0])
    ledger.cancel_reserve(4.0, YEAR + 1)
    assert ledger.reserve_held_tce == pytest.approx(10.0)
    ledger.check_conservation()


def test_combined_sales_of_one_seller_are_checked_together() -> None:
    ledger = RightsLedger(3, YEAR)
    ledger.allocate([0], [10.0], YEAR)
    before = ledger.snapshot()
    with pytest.raises(LedgerError, match=r"transfer: firm 0 would give 12 tce but holds 10"):
        ledger.transfer([0, 0], [1, 2], [6.0, 6.0])  # each fits, together they do not
    assert ledger.snapshot() == before


def test_float_noise_overdraw_is_absorbed_exactly() -> None:
    ledger = RightsLedger(2, YEAR)
    ledger.allocate([0, 0, 0], [0.1, 0.2, 0.3], YEAR)
    applied = ledger.transfer([0], [1], [0.6 + 1e-12])
    assert ledger.held_tce[0] == 0.0
    assert applied[0] == pytest.approx(0.6, abs=1e-12)
    ledger.check_conservation()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lg: lg.allocate([0], [-1.0], YEAR), r"allocate: amount_tce\[0\] = -1.0"),
        (lambda lg: lg.allocate([0], [math.nan], YEAR), r"allocate: amount_tce\[0\] = nan"),
        (lambda lg: lg.allocate([7], [1.0], YEAR), r"allocate: unknown firm 7; allowed 0 to 2"),
        (lambda lg: lg.allocate([0], [1.0], YEAR, "gift"), r"kind 'gift' not allowed"),
        (lambda lg: lg.allocate([0], [1.0], YEAR + 1), r"year 2026 not allowed"),
        (lambda lg: lg.allocate([0, 1], [1.0, 2.0, 3.0], YEAR), r"one entry per index"),
        (lambda lg: lg.transfer([0], [1, 2], [1.0]), r"1 sellers but 2 buyers"),
        (lambda lg: lg.transfer([1], [0], [5.1]), r"transfer: firm 1 would give 5.1 tce"),
        (lambda lg: lg.transfer([-1], [0], [1.0]), r"unknown seller -1"),
        (lambda lg: lg.surrender([2], [0.5], YEAR), r"surrender: firm 2 would give 0.5 tce"),
        (lambda lg: lg.cancel([0], [math.inf], YEAR), r"cancel: amount_tce\[0\] = inf"),
        (lambda lg: lg.reserve_sell([0], [1.0]), r"reserve_sell: .* reserve which holds 0"),
        (lambda lg: lg.reserve_buy([1], [9.0]), r"reserve_buy: firm 1 would give 9 tce"),
        (lambda lg: lg.cancel_reserve(1.0, YEAR), r"cancel_reserve: reserve would cancel"),
        (lambda lg: lg.close_year(YEAR, banking="no"), r"banking must be True or False"),
        (lambda lg: lg.allocate([0.5], [1.0], YEAR), r"firm must be integer indices"),
    ],
)
def test_rejected_operation_names_problem_and_changes_nothing(call, message) -> None:  # type: ignore[no-untyped-def]
    ledger = RightsLedger(3, YEAR)
    ledger.allocate([0, 1], [10.0, 5.0], YEAR)
    before = ledger.snapshot()
    with pytest.raises(LedgerError, match=message):
        call(ledger)
    assert ledger.snapshot() == before
    ledger.check_conservation()


def test_conservation_check_detects_tampering() -> None:
    ledger = RightsLedger(2, YEAR)
    ledger.allocate([0], [10.0], YEAR)
    ledger.held_tce[1] += 1e-3
    with pytest.raises(LedgerInvariantError, match="allocated"):
        ledger.check_conservation()


def test_bad_construction_is_named() -> None:
    with pytest.raises(LedgerError, match="n_firms = 0"):
        RightsLedger(0, YEAR)
    with pytest.raises(LedgerError, match="first_year must be an integer"):
        RightsLedger(2, 2025.5)  # type: ignore[arg-type]


def test_vectorised_operations_scale_to_many_firms() -> None:
    rng = np.random.default_rng(7)
    n = 1000
    ledger = RightsLedger(n, YEAR)
    ledger.allocate(np.arange(n), rng.uniform(50, 100, n), YEAR)
    for _ in range(200):
        sellers = rng.choice(n, 300, replace=False)
        buyers = rng.integers(0, n, 300)
        amount = rng.uniform(0.0, 1.0, 300) * ledger.held_tce[sellers]  # up to all of it
        ledger.transfer(sellers, buyers, amount)
    ledger.check_conservation()
    assert np.all(ledger.held_tce >= 0.0)
    assert math.fsum(ledger.held_tce) == pytest.approx(ledger.allocated_total_tce, rel=1e-12)


# --------------------------------------------------------------------------- stateful
N = 4
amounts = st.one_of(
    st.floats(0.0, 50.0),
    st.sampled_from([0.0, -1.0, math.nan, math.inf]),
)
firms = st.integers(-1, N)  # -1 and N are unknown firms


class RightsMachine(RuleBasedStateMachine):
    """Random operation sequences: valid ones must follow the model, invalid ones must be
    rejected without any change."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = RightsLedger(N, YEAR)
        self.held = np.zeros(N)
        self.reserve = 0.0

    def _valid_amounts(self, amt: list[float]) -> bool:
        return all(math.isfinite(a) and a >= 0 for a in amt)

    def _fits(self, idx: list[int], amt: list[float]) -> bool:
        out = np.zeros(N)
        for i, a in zip(idx, amt, strict=True):
            out[i] += a
        return bool(np.all(out <= self.held + 1e-9 * np.maximum(1.0, self.held)))

    def _attempt(self, valid: bool, call) -> bool:  # type: ignore[no-untyped-def]
        before = self.ledger.snapshot()
        if valid:
            call()
            return True
        with pytest.raises(LedgerError):
            call()
        assert self.ledger.snapshot() == before
        return False

    @rule(idx=st.lists(firms, min_size=1, max_size=4), data=st.data())
    def allocate(self, idx: list[int], data: st.DataObject) -> None:
        amt = data.draw(st.lists(amounts, min_size=len(idx), max_size=len(idx)))
        valid = all(0 <= i < N for i in idx) and self._valid_amounts(amt)
        if self._attempt(valid, lambda: self.ledger.allocate(idx, amt, self.ledger.year)):
            for i, a in zip(idx, amt, strict=True):
                self.held[i] += a

    @rule(trades=st.lists(st.tuples(firms, firms, amounts), min_size=1, max_size=4))
    def transfer(self, trades: list[tuple[int, int, float]]) -> None:
        s, b, a = (list(x) for x in zip(*trades, strict=True))
        valid = all(0 <= i < N for i in s + b) and self._valid_amounts(a) and self._fits(s, a)
        if self._attempt(valid, lambda: self.ledger.transfer(s, b, a)):
            for i, j, x in zip(s, b, a, strict=True):
                self.held[i] -= x
                self.held[j] += x
            np.maximum(self.held, 0.0, out=self.held)

    @rule(i=firms, a=amounts, surrender=st.booleans())
    def surrender_or_cancel(self, i: int, a: float, surrender: bool) -> None:
        valid = 0 <= i < N and self._valid_amounts([a]) and self._fits([i], [a])
        op = self.ledger.surrender if surrender else self.ledger.cancel
        if self._attempt(valid, lambda: op([i], [a], self.ledger.year)):
            self.held[i] = max(self.held[i] - a, 0.0)

    @rule(a=amounts)
    def fund_reserve(self, a: float) -> None:
        valid = self._valid_amounts([a])
        if self._attempt(valid, lambda: self.ledger.fund_reserve(a, self.ledger.year)):
            self.reserve += a

    @rule(i=firms, a=amounts, sell=st.booleans())
    def reserve_trade(self, i: int, a: float, sell: bool) -> None:
        ok = 0 <= i < N and self._valid_amounts([a])
        if sell:
            valid = ok and a <= self.reserve + 1e-9 * max(1.0, self.reserve)
            if self._attempt(valid, lambda: self.ledger.reserve_sell([i], [a])):
                self.held[i] += a
                self.reserve = max(self.reserve - a, 0.0)
        else:
            valid = ok and self._fits([i], [a])
            if self._attempt(valid, lambda: self.ledger.reserve_buy([i], [a])):
                self.held[i] = max(self.held[i] - a, 0.0)
                self.reserve += a

    @rule(banking=st.booleans())
    def close_year(self, banking: bool) -> None:
        self.ledger.close_year(self.ledger.year, banking=banking)
        if not banking:
            self.held[:] = 0.0

    @invariant()
    def conserved(self) -> None:
        self.ledger.check_conservation()

    @invariant()
    def matches_model(self) -> None:
        np.testing.assert_allclose(self.ledger.held_tce, self.held, rtol=1e-9, atol=1e-7)
        assert self.ledger.reserve_held_tce == pytest.approx(self.reserve, rel=1e-9, abs=1e-7)


RightsMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRightsMachine = RightsMachine.TestCase
