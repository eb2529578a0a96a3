"""Tests of the green-certificate registry."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from market.ledgers import CertificateRegistry, LedgerError, LedgerInvariantError


def registry() -> CertificateRegistry:
    # generators 0, 1 owned by holders 0, 1; holders 2, 3 are buyers; two parks
    return CertificateRegistry([0, 1], n_holders=4, n_parks=2, initial_capacity=2)


def test_fractional_generation_is_carried_until_a_whole_mwh() -> None:
    reg = registry()
    issued = [int(reg.issue([0], [0], h, [0.4])[0]) for h in range(5)]
    # cumulative 0.4, 0.8, 1.2, 1.6, 2.0 -> certificates in hours 2 and 4
    assert issued == [0, 0, 1, 0, 1]
    assert reg.carried_mwh()[0] == pytest.approx(0.0, abs=1e-12)
    assert reg.lookup(0).hour == 2
    assert reg.lookup(1).hour == 4
    reg.check_invariants()


def test_ten_tenths_make_one_certificate_despite_float_noise() -> None:
    reg = registry()
    for h in range(10):
        reg.issue([0], [0], h, [0.1])
    assert reg.issued_count == 1
    reg.check_invariants()


def test_transfer_is_fifo_by_serial_and_splits_a_batch() -> None:
    reg = registry()
    reg.issue([0, 1], [0, 1], 0, [3.0, 2.5])  # serials 0-2 (gen 0), 3-4 (gen 1)
    reg.issue([0], [0], 1, [2.0])  # serials 5-6
    ranges = reg.transfer(0, 2, 4)
    np.testing.assert_array_equal(ranges, [[0, 3], [5, 1]])
    np.testing.assert_array_equal(reg.holdings(), [1, 2, 4, 0])
    assert reg.lookup(5).holder == 2
    assert reg.lookup(6).holder == 0
    reg.check_invariants()


def test_filters_select_park_and_hours() -> None:
    reg = registry()
    for h in range(4):
        reg.issue([0, 1], [0, 1], h, [1.0, 1.0])  # gen 0 odd-free serials; two per hour
    ranges = reg.transfer(1, 3, 2, park=1, hour_range=(2, 3))
    starts = [int(s) for s, _ in ranges]
    assert [reg.lookup(s).hour for s in starts] == [2, 3]
    assert all(reg.lookup(s).park == 1 for s in starts)
    with pytest.raises(LedgerError, match=r"holder 1 has 0 certificates \(park 0"):
        reg.transfer(1, 3, 1, park=0)
    reg.check_invariants()


def test_retire_records_beneficiary_and_never_twice() -> None:
    reg = registry()
    reg.issue([0], [0], 0, [5.0])
    reg.transfer(0, 2, 3)
    ranges = reg.retire(2, 2, beneficiary=2, period=2025)
    np.testing.assert_array_equal(ranges, [[0, 2]])
    info = reg.lookup(1)
    assert info.retired and info.beneficiary == 2 and info.period == 2025
    np.testing.assert_array_equal(reg.retired(), [0, 0, 2, 0])
    before = reg.batches()
    with pytest.raises(LedgerError, match="holder 2 has 1 certificates but 2 were asked"):
        reg.retire(2, 2, beneficiary=2, period=2025)
    after = reg.batches()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    # the retired ones cannot be moved either
    with pytest.raises(LedgerError):
        reg.transfer(2, 3, 2)
    reg.check_invariants()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: r.issue([0], [0], 1, [-0.5]), r"issue: generation_mwh\[0\] = -0.5"),
        (lambda r: r.issue([0], [0], 1, [math.nan]), r"generation_mwh\[0\] = nan"),
        (lambda r: r.issue([5], [0], 0, [1.0]), r"issue: unknown generator 5"),
        (lambda r: r.issue([0], [3], 0, [1.0]), r"issue: unknown park 3"),
        (lambda r: r.issue([0, 0], [0, 0], 0, [1.0, 1.0]), r"generator indices repeat"),
        (lambda r: r.issue([0], [0], 0, [1.0]), r"hour 0 is earlier than the last issued hour 1"),
        (lambda r: r.transfer(0, 0, 1), r"both 0 in request 0; they must differ"),
        (lambda r: r.transfer(0, 9, 1), r"unknown to_holder 9"),
        (lambda r: r.transfer(0, 1, -1), r"count = -1 not allowed"),
        (lambda r: r.transfer(0, 1, 99), r"holder 0 has 2 certificates but 99"),
        (lambda r: r.transfer(0, 1, 1, hour_range=(3, 2)), r"hour_range = \(3, 2\)"),
        (lambda r: r.retire(0, 1, beneficiary=7, period=1), r"unknown beneficiary 7"),
        (lambda r: r.lookup(2), r"serial 2 was never issued"),
    ],
)
def test_rejected_operation_names_problem_and_changes_nothing(call, message) -> None:  # type: ignore[no-untyped-def]
    reg = registry()
    reg.issue([0], [0], 1, [2.5])
    before = (reg.batches(), reg.holdings(), reg.carried_mwh(), reg.metered_mwh())
    with pytest.raises(LedgerError, match=message):
        call(reg)
    after = (reg.batches(), reg.holdings(), reg.carried_mwh(), reg.metered_mwh())
    assert all(np.array_equal(before[0][k], after[0][k]) for k in before[0])
    for b, a in zip(before[1:], after[1:], strict=True):
        np.testing.assert_array_equal(b, a)
    reg.check_invariants()


def test_invariant_check_detects_a_double_counted_serial() -> None:
    reg = registry()
    reg.issue([0], [0], 0, [3.0])
    reg.transfer(0, 2, 1)  # split: two batches
    reg._cols["serial_start"][1] = 0  # rows now overlap at serial 0
    with pytest.raises(LedgerInvariantError, match="partition"):
        reg.check_invariants()


def test_a_year_of_hourly_trading_stays_compact_and_fast() -> None:
    # 200 generators (farms of a few MW), 8760 h, about 3 MWh/h each -> ~5e6 certificates in
    # one batch per generator-hour; every hour 20 sellers sell their hour's certificates to
    # 20 buyers who retire them at once (two vectorised calls per hour).
    rng = np.random.default_rng(3)
    n_gen = 200
    reg = CertificateRegistry(np.arange(n_gen), n_holders=n_gen + 20, n_parks=4)
    gens = np.arange(n_gen)
    parks = gens % 4
    buyers = n_gen + np.arange(20)
    for h in range(8760):
        issued = reg.issue(gens, parks, h, rng.uniform(0.0, 6.0, n_gen))
        sellers = gens[(h % 10) :: 10]
        sold = issued[sellers] // 2
        reg.transfer_many(sellers, buyers, sold, hour_range=(h, h))
        reg.retire_many(buyers, sold, buyers, h // 720, hour_range=(h, h))
    reg.check_invariants()
    assert reg.issued_count > 5_000_000
    assert int(reg.retired().sum()) > 200_000
    assert reg.issued_count == int(reg.holdings().sum() + reg.retired().sum())
    assert reg.n_batches <= 200 * 8760 + 20 * 8760


# --------------------------------------------------------------------------- stateful
N_GEN, N_HOLD = 3, 5


class RegistryMachine(RuleBasedStateMachine):
    """Random issue / transfer / retire sequences against a per-serial model."""

    def __init__(self) -> None:
        super().__init__()
        self.reg = CertificateRegistry([0, 1, 2], n_holders=N_HOLD, n_parks=2)
        self.hour = 0
        self.owner: list[int] = []  # serial -> holder
        self._hour: list[int] = []  # serial -> generation hour
        self.retired: set[int] = set()
        self.metered = np.zeros(N_GEN)

    @rule(gen=st.lists(st.floats(0.0, 3.0), min_size=N_GEN, max_size=N_GEN), step=st.booleans())
    def issue(self, gen: list[float], step: bool) -> None:
        self.hour += int(step)
        issued = self.reg.issue([0, 1, 2], [0, 1, 1], self.hour, gen)
        for g, k in enumerate(issued):
            self.owner.extend([g] * int(k))
            self._hour.extend([self.hour] * int(k))
        self.metered += gen

    def _held_by(self, h: int) -> list[int]:
        return [s for s, o in enumerate(self.owner) if o == h and s not in self.retired]

    @rule(src=st.integers(0, N_HOLD - 1), dst=st.integers(0, N_HOLD - 1), n=st.integers(0, 6))
    def transfer(self, src: int, dst: int, n: int) -> None:
        held = self._held_by(src)
        if src == dst or n > len(held):
            with pytest.raises(LedgerError):
                self.reg.transfer(src, dst, n)
            return
        ranges = self.reg.transfer(src, dst, n)
        moved = [int(s) + k for s, c in ranges for k in range(int(c))]
        assert moved == held[:n]  # FIFO by serial
        for s in moved:
            self.owner[s] = dst

    @rule(h=st.integers(0, N_HOLD - 1), n=st.integers(0, 6), who=st.integers(0, N_HOLD - 1))
    def retire(self, h: int, n: int, who: int) -> None:
        held = self._held_by(h)
        if n > len(held):
            with pytest.raises(LedgerError):
                self.reg.retire(h, n, beneficiary=who, period=self.hour)
            return
        ranges = self.reg.retire(h, n, beneficiary=who, period=self.hour)
        retired = {int(s) + k for s, c in ranges for k in range(int(c))}
        assert not retired & self.retired, "a serial was retired twice"
        assert retired == set(held[:n])
        self.retired |= retired

    @rule(
        reqs=st.lists(
            st.tuples(st.integers(0, 2), st.integers(3, N_HOLD - 1), st.integers(0, 4)),
            min_size=1,
            max_size=5,
        ),
        window=st.booleans(),
    )
    def transfer_many(self, reqs: list[tuple[int, int, int]], window: bool) -> None:
        # sources 0-2 and destinations 3-4 are disjoint, so the batch equals the sequence
        src, dst, cnt = (list(x) for x in zip(*reqs, strict=True))
        hours = (self.hour, self.hour) if window else None
        pool = {
            h: [s for s in self._held_by(h) if not window or self._hour[s] == self.hour]
            for h in set(src)
        }
        need = {h: sum(c for s_, c in zip(src, cnt, strict=True) if s_ == h) for h in pool}
        if any(need[h] > len(pool[h]) for h in pool):
            before = self.reg.batches()
            with pytest.raises(LedgerError):
                self.reg.transfer_many(src, dst, cnt, hour_range=hours)
            after = self.reg.batches()
            assert all(np.array_equal(before[k], after[k]) for k in before)
            return
        moved = self.reg.transfer_many(src, dst, cnt, hour_range=hours)
        for k, (s_, d_, c) in enumerate(reqs):
            expect = pool[s_][:c]
            pool[s_] = pool[s_][c:]
            got = [int(a) + j for r, a, n in moved if r == k for j in range(int(n))]
            assert got == expect
            for serial in expect:
                self.owner[serial] = d_

    @rule(
        reqs=st.lists(st.tuples(st.integers(0, N_HOLD - 1), st.integers(0, 4)), max_size=4),
        who=st.integers(0, N_HOLD - 1),
    )
    def retire_many(self, reqs: list[tuple[int, int]], who: int) -> None:
        if not reqs:
            return
        src, cnt = (list(x) for x in zip(*reqs, strict=True))
        pool = {h: self._held_by(h) for h in set(src)}
        need = {h: sum(c for s_, c in reqs if s_ == h) for h in pool}
        if any(need[h] > len(pool[h]) for h in pool):
            with pytest.raises(LedgerError):
                self.reg.retire_many(src, cnt, who, self.hour)
            return
        out = self.reg.retire_many(src, cnt, who, self.hour)
        retired = {int(a) + j for _, a, n in out for j in range(int(n))}
        expect = set()
        for s_, c in reqs:
            expect |= set(pool[s_][:c])
            pool[s_] = pool[s_][c:]
        assert retired == expect
        assert not retired & self.retired, "a serial was retired twice"
        self.retired |= retired

    @precondition(lambda self: len(self.owner) > 0)
    @rule(data=st.data())
    def lookup(self, data: st.DataObject) -> None:
        s = data.draw(st.integers(0, len(self.owner) - 1))
        info = self.reg.lookup(s)
        assert info.holder == self.owner[s]
        assert info.retired == (s in self.retired)

    @invariant()
    def invariants_hold(self) -> None:
        self.reg.check_invariants()
        assert self.reg.issued_count == len(self.owner)
        assert np.all(self.reg.issued_by_generator() <= self.metered + 1e-6)
        held = np.bincount(
            [o for s, o in enumerate(self.owner) if s not in self.retired], minlength=N_HOLD
        )
        np.testing.assert_array_equal(self.reg.holdings(), held)


RegistryMachine.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRegistryMachine = RegistryMachine.TestCase
