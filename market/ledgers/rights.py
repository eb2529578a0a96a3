"""Energy-use-rights ledger [tce], stored as arrays over firms.

Rights are fungible within the ledger: a firm holds one balance ``held[i]`` [tce]. Rights
enter the ledger only by allocation (free allocation, auction sales, reserve funding or
direct reserve sales) and leave a firm's holding by transfer, surrender for compliance,
or cancellation (voluntary, or expiry at year end when banking is off). A reserve account
outside the firms holds rights for price-corridor operations: it sells at the ceiling and
buys at the floor.

Conservation, checked by :meth:`RightsLedger.check_conservation`::

    allocated = sum(held) + sum(surrendered) + sum(cancelled)
                + reserve_held + reserve_cancelled

Every operation validates all of its inputs before changing anything: a rejected operation
raises :class:`~market.ledgers.errors.LedgerError` and leaves the ledger unchanged.
Amounts that exceed a holding by no more than the float tolerance ``1e-9 × max(1, held)``
are scaled down so the holding ends at exactly zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from market.ledgers._checks import (
    FloatArray,
    IntArray,
    amount_array,
    index_array,
    sum_by_index,
)
from market.ledgers.errors import LedgerError, LedgerInvariantError

ALLOCATION_KINDS: tuple[str, ...] = ("free", "auction", "reserve_sale", "reserve_funding")
"""Ways rights enter the ledger: free allocation, auction sale, a reserve sale minted
directly to a firm, and funding of the reserve account."""

_REL_TOL = 1e-9


@dataclass(frozen=True)
class RightsSnapshot:
    """A copy of a rights ledger's state (arrays are read-only copies) [tce]."""

    year: int
    held_tce: FloatArray
    surrendered_tce: FloatArray
    cancelled_tce: FloatArray
    allocated_to_firm_tce: FloatArray
    reserve_held_tce: float
    reserve_cancelled_tce: float
    allocated_by_year_kind_tce: tuple[tuple[int, str, float], ...]
    surrendered_by_year_tce: tuple[tuple[int, float], ...]
    cancelled_by_year_tce: tuple[tuple[int, float], ...]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RightsSnapshot):
            return NotImplemented
        return (
            self.year == other.year
            and np.array_equal(self.held_tce, other.held_tce)
            and np.array_equal(self.surrendered_tce, other.surrendered_tce)
            and np.array_equal(self.cancelled_tce, other.cancelled_tce)
            and np.array_equal(self.allocated_to_firm_tce, other.allocated_to_firm_tce)
            and self.reserve_held_tce == other.reserve_held_tce
            and self.reserve_cancelled_tce == other.reserve_cancelled_tce
            and self.allocated_by_year_kind_tce == other.allocated_by_year_kind_tce
            and self.surrendered_by_year_tce == other.surrendered_by_year_tce
            and self.cancelled_by_year_tce == other.cancelled_by_year_tce
        )

    __hash__ = None  # type: ignore[assignment]


@dataclass(eq=False)
class RightsLedger:
    """Holdings of energy-use rights for ``n_firms`` firms and one reserve account [tce].

    Parameters
    ----------
    n_firms
        Number of firms; firms are addressed by index ``0 .. n_firms - 1``.
    first_year
        The first compliance year; operations name the year they belong to and must match
        the ledger's open year (advanced by :meth:`close_year`).

    Attributes
    ----------
    held_tce, surrendered_tce, cancelled_tce
        Per-firm rights currently held, surrendered in total and cancelled in total [tce].
    allocated_to_firm_tce
        Per-firm rights received by allocation (not by transfer) in total [tce].
    reserve_held_tce
        Rights held by the reserve account [tce].
    reserve_cancelled_tce
        Rights cancelled out of the reserve account in total [tce].
    """

    n_firms: int
    first_year: int
    held_tce: FloatArray = field(init=False)
    surrendered_tce: FloatArray = field(init=False)
    cancelled_tce: FloatArray = field(init=False)
    allocated_to_firm_tce: FloatArray = field(init=False)
    reserve_held_tce: float = field(init=False, default=0.0)
    reserve_cancelled_tce: float = field(init=False, default=0.0)
    year: int = field(init=False)
    _allocated: dict[tuple[int, str], float] = field(init=False, repr=False)
    _surrendered_by_year: dict[int, float] = field(init=False, repr=False)
    _cancelled_by_year: dict[int, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.n_firms, bool) or not isinstance(self.n_firms, int | np.integer):
            raise LedgerError(f"rights ledger: n_firms must be an integer, got {self.n_firms!r}")
        if self.n_firms < 1:
            raise LedgerError(f"rights ledger: n_firms = {self.n_firms} not allowed; need >= 1")
        if isinstance(self.first_year, bool) or not isinstance(self.first_year, int | np.integer):
            raise LedgerError(
                f"rights ledger: first_year must be an integer, got {self.first_year!r}"
            )
        self.n_firms = int(self.n_firms)
        self.year = int(self.first_year)
        self.held_tce = np.zeros(self.n_firms)
        self.surrendered_tce = np.zeros(self.n_firms)
        self.cancelled_tce = np.zeros(self.n_firms)
        self.allocated_to_firm_tce = np.zeros(self.n_firms)
        self._allocated = {}
        self._surrendered_by_year = {}
        self._cancelled_by_year = {}

    # ------------------------------------------------------------------ queries
    @property
    def allocated_total_tce(self) -> float:
        """All rights ever allocated into the ledger [tce]."""
        return math.fsum(self._allocated.values())

    def allocated_tce(self, year: int | None = None, kind: str | None = None) -> float:
        """Rights allocated [tce], optionally only in ``year`` and/or of ``kind``."""
        return math.fsum(
            v
            for (y, k), v in self._allocated.items()
            if (year is None or y == year) and (kind is None or k == kind)
        )

    def surrendered_in_year_tce(self, year: int) -> float:
        """Rights surrendered for compliance year ``year`` [tce]."""
        return self._surrendered_by_year.get(year, 0.0)

    def cancelled_in_year_tce(self, year: int) -> float:
        """Rights cancelled during ``year`` (voluntary or expiry) [tce]."""
        return self._cancelled_by_year.get(year, 0.0)

    def snapshot(self) -> RightsSnapshot:
        """Return an immutable copy of the ledger's state."""

        def frozen(a: FloatArray) -> FloatArray:
            c = a.copy()
            c.setflags(write=False)
            return c

        return RightsSnapshot(
            year=self.year,
            held_tce=frozen(self.held_tce),
            surrendered_tce=frozen(self.surrendered_tce),
            cancelled_tce=frozen(self.cancelled_tce),
            allocated_to_firm_tce=frozen(self.allocated_to_firm_tce),
            reserve_held_tce=self.reserve_held_tce,
            reserve_cancelled_tce=self.reserve_cancelled_tce,
            allocated_by_year_kind_tce=tuple(
                (y, k, v) for (y, k), v in sorted(self._allocated.items())
            ),
            surrendered_by_year_tce=tuple(sorted(self._surrendered_by_year.items())),
            cancelled_by_year_tce=tuple(sorted(self._cancelled_by_year.items())),
        )

    def check_conservation(self) -> None:
        """Check ``allocated = held + surrendered + cancelled + reserve`` to 1e-9 relative.

        ``cancelled`` counts the firms' cancellations and those out of the reserve.

        Raises
        ------
        LedgerInvariantError
            If the identity fails, if any holding is negative or not finite.
        """
        arrays = (self.held_tce, self.surrendered_tce, self.cancelled_tce)
        for name, arr in zip(("held", "surrendered", "cancelled"), arrays, strict=True):
            if not np.all(np.isfinite(arr)) or np.any(arr < 0.0):
                i = int(np.argmax(~np.isfinite(arr) | (arr < 0.0)))
                raise LedgerInvariantError(f"rights ledger: {name}[{i}] = {float(arr[i])!r} tce")
        if not math.isfinite(self.reserve_held_tce) or self.reserve_held_tce < 0.0:
            raise LedgerInvariantError(
                f"rights ledger: reserve holds {self.reserve_held_tce!r} tce"
            )
        allocated = self.allocated_total_tce
        accounted = math.fsum(
            (
                math.fsum(self.held_tce),
                math.fsum(self.surrendered_tce),
                math.fsum(self.cancelled_tce),
                self.reserve_held_tce,
                self.reserve_cancelled_tce,
            )
        )
        if abs(allocated - accounted) > _REL_TOL * max(1.0, abs(allocated)):
            raise LedgerInvariantError(
                f"rights ledger: allocated {allocated!r} tce != held + surrendered + "
                f"cancelled + reserve = {accounted!r} tce"
            )
        total_to_firms = math.fsum(self.allocated_to_firm_tce)
        expected = allocated - self.allocated_tce(kind="reserve_funding")
        if abs(total_to_firms - expected) > _REL_TOL * max(1.0, abs(expected)):
            raise LedgerInvariantError(
                f"rights ledger: per-firm allocations sum to {total_to_firms!r} tce, "
                f"ledger totals give {expected!r} tce"
            )

    # --------------------------------------------------------------- operations
    def allocate(
        self, firm_idx: npt.ArrayLike, amount_tce: npt.ArrayLike, year: int, kind: str = "free"
    ) -> None:
        """Create rights and credit them to firms.

        Parameters
        ----------
        firm_idx
            Firm indices (repeats allowed, amounts add up).
        amount_tce
            Amounts [tce], one per index or a scalar for all.
        year
            The open compliance year.
        kind
            ``"free"``, ``"auction"`` or ``"reserve_sale"`` (use :meth:`fund_reserve` for
            reserve funding).
        """
        op = "allocate"
        self._check_year(op, year)
        if kind not in ALLOCATION_KINDS or kind == "reserve_funding":
            allowed = ", ".join(k for k in ALLOCATION_KINDS if k != "reserve_funding")
            raise LedgerError(f"{op}: kind {kind!r} not allowed; use one of {allowed}")
        idx = index_array(op, "firm", firm_idx, self.n_firms)
        amt = amount_array(op, "amount_tce", amount_tce, idx.size, "tce")
        credit = sum_by_index(idx, amt, self.n_firms)
        self.held_tce += credit
        self.allocated_to_firm_tce += credit
        self._add_allocated(year, kind, math.fsum(amt))

    def transfer(
        self, seller_idx: npt.ArrayLike, buyer_idx: npt.ArrayLike, amount_tce: npt.ArrayLike
    ) -> FloatArray:
        """Move rights between firms, one entry per trade.

        All trades are checked against the sellers' holdings before the call (a seller's
        trades are summed); none is applied if any fails.

        Returns
        -------
        numpy.ndarray
            The amounts applied per trade [tce] (equal to the input except where a
            seller's total exceeded its holding by float noise and was scaled down).
        """
        op = "transfer"
        sellers = index_array(op, "seller", seller_idx, self.n_firms)
        buyers = index_array(op, "buyer", buyer_idx, self.n_firms)
        if sellers.size != buyers.size:
            raise LedgerError(
                f"{op}: {sellers.size} sellers but {buyers.size} buyers; need one of each per trade"
            )
        amt = amount_array(op, "amount_tce", amount_tce, sellers.size, "tce")
        out = sum_by_index(sellers, amt, self.n_firms)
        scale = self._fit_to_holdings(op, out)
        applied = amt * scale[sellers]
        out = sum_by_index(sellers, applied, self.n_firms)
        inflow = sum_by_index(buyers, applied, self.n_firms)
        emptied = scale < 1.0
        self.held_tce += inflow - out
        self.held_tce[emptied & (inflow == 0.0)] = 0.0
        np.maximum(self.held_tce, 0.0, out=self.held_tce)
        return applied

    def surrender(
        self, firm_idx: npt.ArrayLike, amount_tce: npt.ArrayLike, year: int
    ) -> FloatArray:
        """Surrender held rights for compliance in ``year``.

        Returns
        -------
        numpy.ndarray
            Rights surrendered per firm in this call [tce], length ``n_firms``.
        """
        op = "surrender"
        self._check_year(op, year)
        idx = index_array(op, "firm", firm_idx, self.n_firms)
        amt = amount_array(op, "amount_tce", amount_tce, idx.size, "tce")
        taken = self._take_from_firms(op, idx, amt)
        self.surrendered_tce += taken
        self._surrendered_by_year[year] = self._surrendered_by_year.get(year, 0.0) + math.fsum(
            taken
        )
        return taken

    def cancel(self, firm_idx: npt.ArrayLike, amount_tce: npt.ArrayLike, year: int) -> None:
        """Cancel held rights (voluntary cancellation) in ``year``."""
        op = "cancel"
        self._check_year(op, year)
        idx = index_array(op, "firm", firm_idx, self.n_firms)
        amt = amount_array(op, "amount_tce", amount_tce, idx.size, "tce")
        taken = self._take_from_firms(op, idx, amt)
        self.cancelled_tce += taken
        self._cancelled_by_year[year] = self._cancelled_by_year.get(year, 0.0) + math.fsum(taken)

    def close_year(self, year: int, banking: bool) -> FloatArray:
        """End compliance year ``year`` and open the next one.

        With ``banking`` on, firms keep their holdings into the next year. With banking off,
        every firm's remaining holding expires and is cancelled. The reserve account keeps
        its holding either way.

        Returns
        -------
        numpy.ndarray
            Per-firm rights cancelled by expiry [tce] (zeros with banking on).
        """
        op = "close_year"
        self._check_year(op, year)
        if not isinstance(banking, bool | np.bool_):
            raise LedgerError(f"{op}: banking must be True or False, got {banking!r}")
        expired = np.zeros(self.n_firms)
        if not banking:
            expired = self.held_tce.copy()
            self.cancelled_tce += expired
            self.held_tce[:] = 0.0
            self._cancelled_by_year[year] = self._cancelled_by_year.get(year, 0.0) + math.fsum(
                expired
            )
        self.year = year + 1
        return expired

    # ------------------------------------------------------------------ reserve
    def fund_reserve(self, amount_tce: float, year: int) -> None:
        """Create ``amount_tce`` rights in the reserve account (counted as allocated)."""
        op = "fund_reserve"
        self._check_year(op, year)
        amt = float(amount_array(op, "amount_tce", amount_tce, 1, "tce")[0])
        self.reserve_held_tce += amt
        self._add_allocated(year, "reserve_funding", amt)

    def reserve_sell(self, buyer_idx: npt.ArrayLike, amount_tce: npt.ArrayLike) -> None:
        """Sell rights from the reserve account to firms (price-ceiling operation)."""
        op = "reserve_sell"
        idx = index_array(op, "buyer", buyer_idx, self.n_firms)
        amt = amount_array(op, "amount_tce", amount_tce, idx.size, "tce")
        total = math.fsum(amt)
        tol = _REL_TOL * max(1.0, self.reserve_held_tce)
        if total > self.reserve_held_tce + tol:
            raise LedgerError(
                f"{op}: firm(s) {idx[:5].tolist()} would take {total!r} tce from the reserve "
                f"which holds {self.reserve_held_tce!r} tce"
            )
        if total > self.reserve_held_tce:
            amt = amt * (self.reserve_held_tce / total)
        self.held_tce += sum_by_index(idx, amt, self.n_firms)
        self.reserve_held_tce = max(self.reserve_held_tce - math.fsum(amt), 0.0)

    def reserve_buy(self, seller_idx: npt.ArrayLike, amount_tce: npt.ArrayLike) -> FloatArray:
        """Buy rights from firms into the reserve account (price-floor operation).

        Returns the amounts applied per entry [tce].
        """
        op = "reserve_buy"
        idx = index_array(op, "seller", seller_idx, self.n_firms)
        amt = amount_array(op, "amount_tce", amount_tce, idx.size, "tce")
        out = sum_by_index(idx, amt, self.n_firms)
        scale = self._fit_to_holdings(op, out)
        applied = amt * scale[idx]
        self.held_tce -= sum_by_index(idx, applied, self.n_firms)
        self.held_tce[scale < 1.0] = 0.0
        np.maximum(self.held_tce, 0.0, out=self.held_tce)
        self.reserve_held_tce += math.fsum(applied)
        return applied

    def cancel_reserve(self, amount_tce: float, year: int) -> None:
        """Cancel rights held by the reserve account (for example to tighten the cap)."""
        op = "cancel_reserve"
        self._check_year(op, year)
        amt = float(amount_array(op, "amount_tce", amount_tce, 1, "tce")[0])
        tol = _REL_TOL * max(1.0, self.reserve_held_tce)
        if amt > self.reserve_held_tce + tol:
            raise LedgerError(
                f"{op}: reserve would cancel {amt!r} tce but holds {self.reserve_held_tce!r} tce"
            )
        amt = min(amt, self.reserve_held_tce)
        self.reserve_held_tce -= amt
        self.reserve_cancelled_tce += amt
        self._cancelled_by_year[year] = self._cancelled_by_year.get(year, 0.0) + amt

    # ------------------------------------------------------------------ helpers
    def _check_year(self, op: str, year: int) -> None:
        if isinstance(year, bool) or not isinstance(year, int | np.integer):
            raise LedgerError(f"{op}: year must be an integer, got {year!r}")
        if int(year) != self.year:
            raise LedgerError(
                f"{op}: year {year} not allowed; the open compliance year is {self.year}"
            )

    def _add_allocated(self, year: int, kind: str, amount: float) -> None:
        key = (int(year), kind)
        self._allocated[key] = self._allocated.get(key, 0.0) + amount

    def _fit_to_holdings(self, op: str, out: FloatArray) -> FloatArray:
        """Per-firm scale (<= 1) so that outflows fit the holdings; raise if they do not."""
        tol = _REL_TOL * np.maximum(1.0, self.held_tce)
        over = out > self.held_tce + tol
        if np.any(over):
            i = int(np.argmax(over))
            raise LedgerError(
                f"{op}: firm {i} would give {float(out[i]):.12g} tce but holds "
                f"{float(self.held_tce[i]):.12g} tce"
            )
        scale = np.ones(self.n_firms)
        noisy = out > self.held_tce
        scale[noisy] = self.held_tce[noisy] / out[noisy]
        return scale

    def _take_from_firms(self, op: str, idx: IntArray, amt: FloatArray) -> FloatArray:
        """Remove ``amt`` from firms ``idx`` after checking; return per-firm amounts taken."""
        out = sum_by_index(idx, amt, self.n_firms)
        scale = self._fit_to_holdings(op, out)
        taken = out * scale
        self.held_tce -= taken
        self.held_tce[scale < 1.0] = 0.0
        np.maximum(self.held_tce, 0.0, out=self.held_tce)
        return taken
