"""Green-certificate registry: 1 certificate = 1 MWh of metered renewable generation.

Storage
    Certificates are never stored one by one. The registry keeps a table of *batches*,
    each a run of consecutive serials ``serial_start .. serial_start + count - 1`` with one
    generator, park, generation hour, holder and status (held or retired; a retired batch
    also records its beneficiary and period). The table is a set of numpy columns grown by
    doubling. Transferring or retiring part of a batch splits it: the lowest serials move
    into a new batch appended to the table, the rest stays in place.

Issuance
    Generation arrives as fractional MWh per generator and hour. Each generator carries the
    fraction not yet certified; when the carried amount plus the hour's generation reaches a
    whole MWh, that many certificates are issued for the hour in which the MWh was
    completed, and the remainder is carried. A tolerance of 1e-9 MWh absorbs float noise
    (ten hours of 0.1 MWh issue one certificate), so issued may exceed metered generation by
    at most that tolerance. Issuance must come in time order (non-decreasing hours).

Transfer and retirement
    Both take certificates first-in first-out by serial from the holder's held batches,
    optionally only those of one park and/or an hour range. Retired certificates never move
    again, so none is retired twice.

Invariants (:meth:`CertificateRegistry.check_invariants`): issued <= metered generation per
generator (and the carried remainder is below 1 MWh), batches partition the serials
``0 .. issued - 1`` exactly (serials unique, none lost), issued = held + retired per holder
and in total.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from market.ledgers._checks import FloatArray, IntArray, amount_array, index_array
from market.ledgers.errors import LedgerError, LedgerInvariantError

HELD: int = 0
"""Batch status: held by its holder, may be transferred or retired."""
RETIRED: int = 1
"""Batch status: retired for a beneficiary and period."""

ISSUE_TOLERANCE_MWH = 1e-9
"""Float tolerance when completing a whole MWh of generation [MWh]."""

_COLUMNS: dict[str, type[np.generic]] = {
    "serial_start": np.int64,
    "count": np.int64,
    "generator": np.int32,
    "park": np.int32,
    "hour": np.int64,
    "holder": np.int32,
    "status": np.int8,
    "beneficiary": np.int32,
    "period": np.int64,
}


@dataclass(frozen=True)
class CertificateInfo:
    """Where one certificate came from and where it is now."""

    serial: int
    generator: int
    park: int
    hour: int
    holder: int
    retired: bool
    beneficiary: int | None
    period: int | None


class CertificateRegistry:
    """Issues, transfers and retires green certificates, stored as batches.

    Parameters
    ----------
    generator_owner
        Holder index that receives the certificates of each generator; its length is the
        number of generators.
    n_holders
        Number of holder accounts (firms, park operators, external farms, ... as numbered
        by the caller); holders are ``0 .. n_holders - 1``.
    n_parks
        Number of parks; park indices are ``0 .. n_parks - 1``.
    initial_capacity
        Batches reserved up front; the table doubles when full.
    """

    def __init__(
        self,
        generator_owner: npt.ArrayLike,
        n_holders: int,
        n_parks: int,
        initial_capacity: int = 1024,
    ) -> None:
        for name, value in (
            ("n_holders", n_holders),
            ("n_parks", n_parks),
            ("initial_capacity", initial_capacity),
        ):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise LedgerError(
                    f"certificate registry: {name} = {value!r} not allowed; need an integer >= 1"
                )
        self.n_holders = int(n_holders)
        self.n_parks = int(n_parks)
        owner = index_array("certificate registry", "generator_owner", generator_owner, n_holders)
        if owner.size == 0:
            raise LedgerError("certificate registry: generator_owner is empty; need >= 1")
        self._owner = owner.copy()
        self.n_generators = int(owner.size)
        self._metered_mwh = np.zeros(self.n_generators)
        self._carry_mwh = np.zeros(self.n_generators)
        self._issued_by_generator = np.zeros(self.n_generators, dtype=np.int64)
        self._held_by_holder = np.zeros(self.n_holders, dtype=np.int64)
        self._retired_by_holder = np.zeros(self.n_holders, dtype=np.int64)
        self._next_serial = 0
        self._n = 0
        self._cols: dict[str, npt.NDArray[Any]] = {
            name: np.zeros(int(initial_capacity), dtype=dtype) for name, dtype in _COLUMNS.items()
        }
        self._last_hour = 0
        self._hour_keys: list[int] = []
        self._hour_first_row: list[int] = []

    # ------------------------------------------------------------------ queries
    @property
    def issued_count(self) -> int:
        """Certificates issued in total."""
        return self._next_serial

    @property
    def n_batches(self) -> int:
        """Rows in the batch table."""
        return self._n

    def metered_mwh(self) -> FloatArray:
        """Metered generation per generator so far [MWh] (copy)."""
        return self._metered_mwh.copy()

    def carried_mwh(self) -> FloatArray:
        """Generation per generator not yet certified [MWh] (copy)."""
        return self._carry_mwh.copy()

    def issued_by_generator(self) -> IntArray:
        """Certificates issued per generator (copy)."""
        return self._issued_by_generator.copy()

    def holdings(self) -> IntArray:
        """Certificates held (not retired) per holder (copy)."""
        return self._held_by_holder.copy()

    def retired(self) -> IntArray:
        """Certificates retired per holder (the holder that retired them) (copy)."""
        return self._retired_by_holder.copy()

    def batches(self) -> dict[str, npt.NDArray[Any]]:
        """The batch table as read-only column copies (``status`` 0 = held, 1 = retired;
        ``beneficiary`` and ``period`` are -1 for held batches)."""
        out = {}
        for name, col in self._cols.items():
            c = col[: self._n].copy()
            c.setflags(write=False)
            out[name] = c
        return out

    def lookup(self, serial: int) -> CertificateInfo:
        """Return the origin and state of the certificate with this serial."""
        if isinstance(serial, bool) or not isinstance(serial, int | np.integer):
            raise LedgerError(f"lookup: serial must be an integer, got {serial!r}")
        if not 0 <= serial < self._next_serial:
            raise LedgerError(
                f"lookup: serial {serial} was never issued; issued serials are 0 to "
                f"{self._next_serial - 1}"
            )
        start = self._cols["serial_start"][: self._n]
        count = self._cols["count"][: self._n]
        row = int(np.flatnonzero((start <= serial) & (serial < start + count))[0])
        retired = int(self._cols["status"][row]) == RETIRED
        return CertificateInfo(
            serial=int(serial),
            generator=int(self._cols["generator"][row]),
            park=int(self._cols["park"][row]),
            hour=int(self._cols["hour"][row]),
            holder=int(self._cols["holder"][row]),
            retired=retired,
            beneficiary=int(self._cols["beneficiary"][row]) if retired else None,
            period=int(self._cols["period"][row]) if retired else None,
        )

    # --------------------------------------------------------------- operations
    def issue(
        self,
        generator_idx: npt.ArrayLike,
        park_idx: npt.ArrayLike,
        hour: int,
        generation_mwh: npt.ArrayLike,
    ) -> IntArray:
        """Record metered generation for one hour and issue whole certificates.

        Parameters
        ----------
        generator_idx
            Distinct generator indices.
        park_idx
            Park of each generator (one per generator, or a scalar for all).
        hour
            Hour of the generation (hours since scenario start); not earlier than the last
            issuance.
        generation_mwh
            Metered generation per generator in this hour [MWh], finite and >= 0.

        Returns
        -------
        numpy.ndarray
            Certificates issued per entry of ``generator_idx``.
        """
        op = "issue"
        gen = index_array(op, "generator", generator_idx, self.n_generators)
        if np.unique(gen).size != gen.size:
            raise LedgerError(f"{op}: generator indices repeat in one call; give each once")
        park = np.atleast_1d(np.asarray(park_idx))
        if park.size == 1 and gen.size != 1:
            park = np.full(gen.size, park.reshape(-1)[0])
        park = index_array(op, "park", park, self.n_parks)
        if park.size != gen.size:
            raise LedgerError(
                f"{op}: {park.size} park indices for {gen.size} generators; need one each"
            )
        if isinstance(hour, bool) or not isinstance(hour, int | np.integer) or hour < 0:
            raise LedgerError(f"{op}: hour = {hour!r} not allowed; need an integer >= 0")
        if hour < self._last_hour:
            raise LedgerError(
                f"{op}: hour {hour} is earlier than the last issued hour "
                f"{self._last_hour}; issue in time order"
            )
        gen_mwh = amount_array(op, "generation_mwh", generation_mwh, gen.size, "MWh")

        total = self._carry_mwh[gen] + gen_mwh
        whole = np.floor(total + ISSUE_TOLERANCE_MWH).astype(np.int64)
        self._carry_mwh[gen] = total - whole
        self._metered_mwh[gen] += gen_mwh
        self._last_hour = int(hour)
        self._issued_by_generator[gen] += whole
        issuing = whole > 0
        n_new = int(np.count_nonzero(issuing))
        if n_new:
            if not self._hour_keys or self._hour_keys[-1] != hour:
                self._hour_keys.append(int(hour))
                self._hour_first_row.append(self._n)
            counts = whole[issuing]
            starts = self._next_serial + np.cumsum(counts) - counts
            holders = self._owner[gen[issuing]]
            self._append(
                serial_start=starts,
                count=counts,
                generator=gen[issuing],
                park=park[issuing],
                hour=np.full(n_new, hour),
                holder=holders,
                status=np.full(n_new, HELD),
                beneficiary=np.full(n_new, -1),
                period=np.full(n_new, -1),
            )
            self._next_serial += int(counts.sum())
            np.add.at(self._held_by_holder, holders, counts)
        return whole

    def transfer(
        self,
        from_holder: int,
        to_holder: int,
        count: int,
        park: int | None = None,
        hour_range: tuple[int, int] | None = None,
    ) -> IntArray:
        """Move ``count`` held certificates, lowest serials first.

        Parameters
        ----------
        from_holder, to_holder
            Holder indices (must differ).
        count
            Number of certificates (integer >= 0).
        park
            Only certificates generated in this park.
        hour_range
            Only certificates generated in hours ``first <= hour <= last``.

        Returns
        -------
        numpy.ndarray
            The serial ranges moved, shape ``(k, 2)``: ``(serial_start, count)`` rows.
        """
        op = "transfer"
        src = self._holder(op, "from_holder", from_holder)
        dst = self._holder(op, "to_holder", to_holder)
        if src == dst:
            raise LedgerError(f"{op}: from_holder and to_holder are both {src}; they must differ")
        rows = self._take(op, src, count, park, hour_range)
        self._cols["holder"][rows] = dst
        moved = int(self._cols["count"][rows].sum())
        self._held_by_holder[src] -= moved
        self._held_by_holder[dst] += moved
        return self._ranges(rows)

    def retire(
        self,
        holder: int,
        count: int,
        beneficiary: int,
        period: int,
        park: int | None = None,
        hour_range: tuple[int, int] | None = None,
    ) -> IntArray:
        """Retire ``count`` of ``holder``'s certificates for ``beneficiary`` in ``period``.

        Certificates are taken lowest serials first, with the same optional filters as
        :meth:`transfer`. ``beneficiary`` is a holder index (the account claiming the green
        attribute); ``period`` is the caller's period number (for example a year or month).

        Returns
        -------
        numpy.ndarray
            The serial ranges retired, shape ``(k, 2)``.
        """
        op = "retire"
        src = self._holder(op, "holder", holder)
        who = self._holder(op, "beneficiary", beneficiary)
        if isinstance(period, bool) or not isinstance(period, int | np.integer):
            raise LedgerError(f"{op}: period must be an integer, got {period!r}")
        rows = self._take(op, src, count, park, hour_range)
        self._cols["status"][rows] = RETIRED
        self._cols["beneficiary"][rows] = who
        self._cols["period"][rows] = period
        moved = int(self._cols["count"][rows].sum())
        self._held_by_holder[src] -= moved
        self._retired_by_holder[src] += moved
        return self._ranges(rows)

    # --------------------------------------------------------------- invariants
    def check_invariants(self) -> None:
        """Check the registry's invariants; raise :class:`LedgerInvariantError` if one fails.

        * issued <= metered generation per generator (within 1e-6 MWh), and the carried
          remainder is below 1 MWh;
        * batches have positive counts and partition the serials ``0 .. issued - 1``
          (serials unique, none lost), and each generator's batches sum to its issuance;
        * issued = held + retired, per holder and in total; retired batches name a
          beneficiary and held ones do not.
        """
        n = self._n
        c = {k: v[:n] for k, v in self._cols.items()}
        over = self._issued_by_generator - self._metered_mwh
        if np.any(over > 1e-6):
            g = int(np.argmax(over))
            raise LedgerInvariantError(
                f"certificates: generator {g} issued {self._issued_by_generator[g]} for "
                f"{self._metered_mwh[g]!r} MWh metered"
            )
        if np.any(self._carry_mwh >= 1.0 + ISSUE_TOLERANCE_MWH):
            g = int(np.argmax(self._carry_mwh))
            raise LedgerInvariantError(
                f"certificates: generator {g} carries {self._carry_mwh[g]!r} MWh uncertified"
            )
        counts = c["count"]
        if np.any(counts <= 0):
            raise LedgerInvariantError("certificates: a batch has a count <= 0")
        order = np.argsort(c["serial_start"], kind="stable")
        starts = c["serial_start"][order]
        ends = starts + counts[order]
        if n and (
            starts[0] != 0 or ends[-1] != self._next_serial or np.any(starts[1:] != ends[:-1])
        ):
            raise LedgerInvariantError(
                "certificates: batches do not partition the issued serials (overlap or gap)"
            )
        if n == 0 and self._next_serial != 0:
            raise LedgerInvariantError("certificates: serials issued but no batches stored")
        by_gen = np.bincount(c["generator"], weights=counts, minlength=self.n_generators)
        if not np.array_equal(by_gen.astype(np.int64), self._issued_by_generator):
            raise LedgerInvariantError("certificates: batches disagree with issuance per generator")
        held_rows = c["status"] == HELD
        held = np.bincount(
            c["holder"][held_rows], weights=counts[held_rows], minlength=self.n_holders
        )
        retired = np.bincount(
            c["holder"][~held_rows], weights=counts[~held_rows], minlength=self.n_holders
        )
        if not np.array_equal(held.astype(np.int64), self._held_by_holder) or not np.array_equal(
            retired.astype(np.int64), self._retired_by_holder
        ):
            raise LedgerInvariantError("certificates: holdings disagree with the batch table")
        if int(self._held_by_holder.sum() + self._retired_by_holder.sum()) != self._next_serial:
            raise LedgerInvariantError("certificates: issued != held + retired")
        if np.any(c["beneficiary"][~held_rows] < 0) or np.any(c["beneficiary"][held_rows] != -1):
            raise LedgerInvariantError("certificates: beneficiary inconsistent with status")

    # ------------------------------------------------------------------ helpers
    def _holder(self, op: str, field: str, value: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise LedgerError(f"{op}: {field} must be an integer holder index, got {value!r}")
        if not 0 <= value < self.n_holders:
            raise LedgerError(f"{op}: unknown {field} {value}; allowed 0 to {self.n_holders - 1}")
        return int(value)

    def _append(self, **columns: npt.NDArray[Any]) -> None:
        k = int(columns["count"].size)
        capacity = self._cols["count"].size
        if self._n + k > capacity:
            new_capacity = max(2 * capacity, self._n + k)
            for name, col in self._cols.items():
                grown = np.zeros(new_capacity, dtype=col.dtype)
                grown[: self._n] = col[: self._n]
                self._cols[name] = grown
        for name, values in columns.items():
            self._cols[name][self._n : self._n + k] = values
        self._n += k

    def _candidates(
        self, holder: int, park: int | None, hour_range: tuple[int, int] | None
    ) -> IntArray:
        """Rows held by ``holder`` matching the filters, sorted by serial."""
        first = 0
        if hour_range is not None:
            # Every batch of hour >= h0 sits at or after the first batch issued for h0:
            # issuance is in time order and split batches are appended later.
            pos = bisect.bisect_left(self._hour_keys, hour_range[0])
            first = self._hour_first_row[pos] if pos < len(self._hour_keys) else self._n
        sl = slice(first, self._n)
        mask = (self._cols["holder"][sl] == holder) & (self._cols["status"][sl] == HELD)
        if park is not None:
            mask &= self._cols["park"][sl] == park
        if hour_range is not None:
            hours = self._cols["hour"][sl]
            mask &= (hours >= hour_range[0]) & (hours <= hour_range[1])
        rows = first + np.flatnonzero(mask)
        order = np.argsort(self._cols["serial_start"][rows], kind="stable")
        return np.asarray(rows[order], dtype=np.int64)

    def _take(
        self,
        op: str,
        holder: int,
        count: int,
        park: int | None,
        hour_range: tuple[int, int] | None,
    ) -> IntArray:
        """Validate, then return rows holding exactly ``count`` certificates (splitting one)."""
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
            raise LedgerError(f"{op}: count = {count!r} not allowed; need an integer >= 0")
        if park is not None and (
            isinstance(park, bool)
            or not isinstance(park, int | np.integer)
            or not 0 <= park < self.n_parks
        ):
            raise LedgerError(f"{op}: unknown park {park!r}; allowed 0 to {self.n_parks - 1}")
        if hour_range is not None:
            ok = (
                isinstance(hour_range, tuple)
                and len(hour_range) == 2
                and all(
                    isinstance(h, int | np.integer) and not isinstance(h, bool) for h in hour_range
                )
                and hour_range[0] <= hour_range[1]
            )
            if not ok:
                raise LedgerError(
                    f"{op}: hour_range = {hour_range!r} not allowed; need (first, last) "
                    "integers with first <= last"
                )
        count = int(count)
        if count == 0:
            return np.zeros(0, dtype=np.int64)
        rows = self._candidates(holder, park, hour_range)
        cum = np.cumsum(self._cols["count"][rows])
        available = int(cum[-1]) if cum.size else 0
        if available < count:
            where = (
                ""
                if park is None and hour_range is None
                else (f" (park {park}, hours {hour_range})")
            )
            raise LedgerError(
                f"{op}: holder {holder} has {available} certificates{where} but {count} "
                "were asked for"
            )
        j = int(np.searchsorted(cum, count, side="left"))
        if cum[j] == count:
            return rows[: j + 1]
        row = int(rows[j])
        part = count - (int(cum[j - 1]) if j > 0 else 0)
        start = int(self._cols["serial_start"][row])
        self._append(
            **{name: np.array([col[row]], dtype=col.dtype) for name, col in self._cols.items()}
        )
        new_row = self._n - 1
        self._cols["count"][new_row] = part
        self._cols["serial_start"][row] = start + part
        self._cols["count"][row] -= part
        return np.concatenate([rows[:j], np.array([new_row], dtype=np.int64)])

    def _ranges(self, rows: IntArray) -> IntArray:
        starts = self._cols["serial_start"][rows].astype(np.int64)
        counts = self._cols["count"][rows].astype(np.int64)
        order = np.argsort(starts, kind="stable")
        return np.column_stack([starts[order], counts[order]])
