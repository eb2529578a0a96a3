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
    again, so none is retired twice. ``transfer_many`` and ``retire_many`` settle a whole
    set of trades (for example one hour of green-power trades) in one vectorised call and
    are the ones to use in the simulation loop; ``transfer`` and ``retire`` are one-request
    conveniences. With an hour range, only the batches issued since that hour are scanned.

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

_MAX_BATCH = 2**31 - 1
"""Largest number of certificates in one batch (counts are stored as int32)."""

_COLUMNS: dict[str, type[np.generic]] = {
    "serial_start": np.int64,
    "count": np.int32,
    "generator": np.int32,
    "park": np.int32,
    "hour": np.int32,
    "holder": np.int32,
    "status": np.int8,
    "beneficiary": np.int32,
    "period": np.int32,
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
        if np.any(total >= _MAX_BATCH):
            i = int(np.argmax(total >= _MAX_BATCH))
            raise LedgerError(
                f"{op}: generation_mwh[{i}] = {float(gen_mwh[i])!r} MWh is not allowed; "
                f"one generator-hour must stay below {_MAX_BATCH} MWh"
            )
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
        for name, value in (("from_holder", from_holder), ("to_holder", to_holder)):
            self._scalar_int("transfer", name, value)
        moved = self.transfer_many([from_holder], [to_holder], [count], park, hour_range)
        return moved[:, 1:]

    def transfer_many(
        self,
        from_holder: npt.ArrayLike,
        to_holder: npt.ArrayLike,
        count: npt.ArrayLike,
        park: int | None = None,
        hour_range: tuple[int, int] | None = None,
    ) -> IntArray:
        """Settle many transfers at once (for example all green-power trades of an hour).

        Every request draws on the holdings *before* the call: certificates received in the
        call cannot be passed on in the same call. A holder's requests are served in the
        order given, each taking the lowest serials left. The filters apply to every request.

        Parameters
        ----------
        from_holder, to_holder
            Holder index per request (``from_holder != to_holder``).
        count
            Certificates per request (integers >= 0; a scalar applies to all).
        park, hour_range
            As in :meth:`transfer`.

        Returns
        -------
        numpy.ndarray
            Shape ``(k, 3)``: ``(request, serial_start, count)`` rows, ordered by request
            then serial.

        Raises
        ------
        LedgerError
            If any request is malformed or a holder has too few matching certificates;
            nothing is moved then.
        """
        op = "transfer"
        src = index_array(op, "from_holder", from_holder, self.n_holders)
        dst = self._broadcast(
            op, "to_holder", index_array(op, "to_holder", to_holder, self.n_holders), src.size
        )
        same = src == dst
        if np.any(same):
            i = int(np.argmax(same))
            raise LedgerError(
                f"{op}: from_holder and to_holder are both {src[i]} in request {i}; "
                "they must differ"
            )
        cnt = self._counts(op, count, src.size)
        self._check_filters(op, park, hour_range)
        rows, req = self._take_many(op, src, cnt, park, hour_range)
        self._cols["holder"][rows] = dst[req]
        np.subtract.at(self._held_by_holder, src, cnt)
        np.add.at(self._held_by_holder, dst, cnt)
        return self._ranges(rows, req)

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
        for name, value in (("holder", holder), ("beneficiary", beneficiary)):
            self._scalar_int("retire", name, value)
        retired = self.retire_many([holder], [count], [beneficiary], period, park, hour_range)
        return retired[:, 1:]

    def retire_many(
        self,
        holder: npt.ArrayLike,
        count: npt.ArrayLike,
        beneficiary: npt.ArrayLike,
        period: npt.ArrayLike,
        park: int | None = None,
        hour_range: tuple[int, int] | None = None,
    ) -> IntArray:
        """Settle many retirements at once; the rules of :meth:`transfer_many` apply.

        ``beneficiary`` and ``period`` are given per request or as one value for all.

        Returns
        -------
        numpy.ndarray
            Shape ``(k, 3)``: ``(request, serial_start, count)`` rows.
        """
        op = "retire"
        src = index_array(op, "holder", holder, self.n_holders)
        who = self._broadcast(
            op,
            "beneficiary",
            index_array(op, "beneficiary", beneficiary, self.n_holders),
            src.size,
        )
        per_raw = np.atleast_1d(np.asarray(period))
        if per_raw.ndim != 1 or (per_raw.size and not np.issubdtype(per_raw.dtype, np.integer)):
            raise LedgerError(f"{op}: period must be integers, got {period!r}")
        if np.any(np.abs(per_raw) > _MAX_BATCH):
            raise LedgerError(f"{op}: period {period!r} is out of range (|period| < 2**31)")
        per = self._broadcast(op, "period", per_raw.astype(np.int64), src.size)
        cnt = self._counts(op, count, src.size)
        self._check_filters(op, park, hour_range)
        rows, req = self._take_many(op, src, cnt, park, hour_range)
        self._cols["status"][rows] = RETIRED
        self._cols["beneficiary"][rows] = who[req]
        self._cols["period"][rows] = per[req]
        np.subtract.at(self._held_by_holder, src, cnt)
        np.add.at(self._retired_by_holder, src, cnt)
        return self._ranges(rows, req)

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
    @staticmethod
    def _scalar_int(op: str, field: str, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise LedgerError(f"{op}: {field} must be an integer, got {value!r}")

    @staticmethod
    def _broadcast(op: str, field: str, values: IntArray, n: int) -> IntArray:
        if values.size == n:
            return values
        if values.size == 1:
            return np.full(n, values[0], dtype=np.int64)
        raise LedgerError(f"{op}: {field} has {values.size} entries for {n} requests")

    def _counts(self, op: str, count: npt.ArrayLike, n: int) -> IntArray:
        raw = np.atleast_1d(np.asarray(count))
        if raw.ndim != 1 or (raw.size and not np.issubdtype(raw.dtype, np.integer)):
            raise LedgerError(f"{op}: count = {count!r} not allowed; need integers >= 0")
        cnt = self._broadcast(op, "count", raw.astype(np.int64), n)
        if np.any(cnt < 0):
            raise LedgerError(
                f"{op}: count = {int(cnt[np.argmax(cnt < 0)])} not allowed; need integers >= 0"
            )
        return cnt

    def _check_filters(self, op: str, park: int | None, hour_range: tuple[int, int] | None) -> None:
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
        self, holders: IntArray, park: int | None, hour_range: tuple[int, int] | None
    ) -> IntArray:
        """Held rows of ``holders`` matching the filters, sorted by holder then serial."""
        first = 0
        if hour_range is not None:
            # Every batch of hour >= h0 sits at or after the first batch issued for h0:
            # issuance is in time order and split batches are appended later.
            pos = bisect.bisect_left(self._hour_keys, hour_range[0])
            first = self._hour_first_row[pos] if pos < len(self._hour_keys) else self._n
        sl = slice(first, self._n)
        wanted = np.zeros(self.n_holders, dtype=np.bool_)
        wanted[holders] = True
        holder_col = self._cols["holder"][sl]
        mask = wanted[holder_col] & (self._cols["status"][sl] == HELD)
        if park is not None:
            mask &= self._cols["park"][sl] == park
        if hour_range is not None:
            hours = self._cols["hour"][sl]
            mask &= (hours >= hour_range[0]) & (hours <= hour_range[1])
        rows = first + np.flatnonzero(mask)
        order = np.lexsort((self._cols["serial_start"][rows], self._cols["holder"][rows]))
        return np.asarray(rows[order], dtype=np.int64)

    def _take_many(
        self,
        op: str,
        src: IntArray,
        cnt: IntArray,
        park: int | None,
        hour_range: tuple[int, int] | None,
    ) -> tuple[IntArray, IntArray]:
        """Split batches so that each request is covered by whole rows; return those rows
        and the request each belongs to. Validates availability before changing anything.

        The held candidate rows, sorted by holder then serial, are laid end to end as one
        stream of certificates; row ``r`` covers stream positions ``[A[r], B[r])``. Request
        ``k`` of holder ``h`` covers the next ``cnt[k]`` positions of ``h``'s part of the
        stream. Cutting the stream at every row and request boundary gives segments that
        each lie in one row and at most one request; rows touched by a request are replaced
        by their segments (the first in place, the others appended).
        """
        empty = np.zeros(0, dtype=np.int64)
        live = np.flatnonzero(cnt > 0)
        if live.size == 0:
            return empty, empty
        s, c = src[live], cnt[live]
        rows = self._candidates(s, park, hour_range)
        hold = self._cols["holder"][rows].astype(np.int64)
        row_count = self._cols["count"][rows].astype(np.int64)
        requested = np.bincount(s, weights=c, minlength=self.n_holders)
        available = np.bincount(hold, weights=row_count, minlength=self.n_holders)
        short = requested > available
        if np.any(short):
            h = int(np.argmax(short))
            where = (
                "" if park is None and hour_range is None else f" (park {park}, hours {hour_range})"
            )
            raise LedgerError(
                f"{op}: holder {h} has {int(available[h])} certificates{where} but "
                f"{int(requested[h])} were asked for"
            )
        row_end = np.cumsum(row_count)
        row_start = row_end - row_count
        # request intervals in stream positions, requests of one holder in given order
        by_src = np.argsort(s, kind="stable")
        s_o, c_o = s[by_src], c[by_src]
        before = np.cumsum(c_o) - c_o
        group_first = np.concatenate(([True], s_o[1:] != s_o[:-1]))
        group_base = np.maximum.accumulate(np.where(group_first, before, 0))
        req_start = row_start[np.searchsorted(hold, s_o, side="left")] + before - group_base
        req_end = req_start + c_o
        req_id = live[by_src]
        by_start = np.argsort(req_start, kind="stable")
        req_start, req_end, req_id = req_start[by_start], req_end[by_start], req_id[by_start]

        cuts = np.unique(np.concatenate((row_start, req_start, req_end)))
        cuts = cuts[cuts < row_end[-1]]
        seg_end = np.concatenate((cuts[1:], row_end[-1:]))
        seg_row = np.searchsorted(row_start, cuts, side="right") - 1
        q = np.searchsorted(req_start, cuts, side="right") - 1
        in_req = (q >= 0) & (cuts < req_end[np.maximum(q, 0)])
        touched = np.zeros(rows.size, dtype=np.bool_)
        touched[seg_row[in_req]] = True
        keep = touched[seg_row]
        cuts, seg_end, seg_row, q, in_req = (
            cuts[keep],
            seg_end[keep],
            seg_row[keep],
            q[keep],
            in_req[keep],
        )

        base_row = rows[seg_row]
        new_start = self._cols["serial_start"][base_row] + (cuts - row_start[seg_row])
        new_count = seg_end - cuts
        is_first = cuts == row_start[seg_row]
        slot = np.empty(cuts.size, dtype=np.int64)
        slot[is_first] = base_row[is_first]
        extra = np.flatnonzero(~is_first)
        if extra.size:
            n_before = self._n
            columns = {name: col[base_row[extra]] for name, col in self._cols.items()}
            columns["serial_start"] = new_start[extra]
            columns["count"] = new_count[extra]
            self._append(**columns)
            slot[extra] = np.arange(n_before, n_before + extra.size)
        first_rows = slot[is_first]
        self._cols["serial_start"][first_rows] = new_start[is_first]
        self._cols["count"][first_rows] = new_count[is_first]
        return slot[in_req], req_id[q[in_req]]

    def _ranges(self, rows: IntArray, req: IntArray) -> IntArray:
        starts = self._cols["serial_start"][rows].astype(np.int64)
        counts = self._cols["count"][rows].astype(np.int64)
        order = np.lexsort((starts, req))
        return np.column_stack([req[order], starts[order], counts[order]])
