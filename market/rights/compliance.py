"""Annual compliance in the energy-use-rights market.

At the end of a compliance year every firm must surrender rights at least equal to its
counted energy use [tce]. A firm surrenders what it can (``min(held, counted use)``); the
rest is its shortfall. The shortfall is charged a penalty per tce, either a fixed rate or a
multiple of the year's average rights price, and, with make-good on, the shortfall is also
deducted from the firm's next free allocations (:func:`apply_make_good`). With banking on a
firm keeps its unsurrendered rights for the next year; with banking off they expire.

:func:`assess_compliance` is the pure computation; :func:`settle_compliance` applies it to a
:class:`~market.ledgers.rights.RightsLedger` (surrender, then close the year).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from market.ledgers.rights import RightsLedger

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_A = TypeVar("_A", bound=npt.NDArray[Any])

PENALTY_KINDS: tuple[str, ...] = ("fixed", "price_multiple")

COMPLIANCE_RTOL = 1e-9
"""A shortfall within this fraction of counted use (at least 1e-9 tce) counts as none."""


class ComplianceError(ValueError):
    """Bad compliance input; the message names the field, value and what is allowed."""


def _finite_non_negative(field: str, value: float, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.floating | np.integer)
        or not math.isfinite(value)
        or value < 0.0
    ):
        raise ComplianceError(f"{field} = {value!r} is not allowed; need a finite number >= 0")


@dataclass(frozen=True)
class PenaltyRule:
    """Penalty per tce of shortfall.

    Parameters
    ----------
    kind
        ``"fixed"``: ``fixed_cny_per_tce``. ``"price_multiple"``: ``multiple`` × the year's
        average rights price, never below ``minimum_cny_per_tce``.
    fixed_cny_per_tce
        Rate of the fixed penalty [CNY/tce].
    multiple
        Multiple of the average price (for example 3 for the Shenzhen pilot design).
    minimum_cny_per_tce
        Lower bound of the price-multiple rate [CNY/tce].
    fallback_price_cny_per_tce
        Price used when the year had no trade (average price not finite); without it such a
        year raises :class:`ComplianceError`.
    """

    kind: Literal["fixed", "price_multiple"] = "fixed"
    fixed_cny_per_tce: float = 0.0
    multiple: float = 0.0
    minimum_cny_per_tce: float = 0.0
    fallback_price_cny_per_tce: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in PENALTY_KINDS:
            raise ComplianceError(
                f"penalty kind {self.kind!r} is not allowed; use one of {', '.join(PENALTY_KINDS)}"
            )
        _finite_non_negative("fixed_cny_per_tce", self.fixed_cny_per_tce)
        _finite_non_negative("multiple", self.multiple)
        _finite_non_negative("minimum_cny_per_tce", self.minimum_cny_per_tce)
        _finite_non_negative(
            "fallback_price_cny_per_tce",
            self.fallback_price_cny_per_tce,  # type: ignore[arg-type]
            allow_none=True,
        )

    def rate_cny_per_tce(self, average_price_cny_per_tce: float) -> float:
        """Penalty rate [CNY/tce] given the year's average rights price [CNY/tce]."""
        if self.kind == "fixed":
            return float(self.fixed_cny_per_tce)
        price = float(average_price_cny_per_tce)
        if not math.isfinite(price):
            if self.fallback_price_cny_per_tce is None:
                raise ComplianceError(
                    f"average_price_cny_per_tce = {average_price_cny_per_tce!r}: the year had no "
                    "trade and the price_multiple penalty has no fallback_price_cny_per_tce"
                )
            price = float(self.fallback_price_cny_per_tce)
        if price < 0.0:
            raise ComplianceError(
                f"average_price_cny_per_tce = {price!r} is not allowed; need >= 0"
            )
        return max(self.multiple * price, self.minimum_cny_per_tce)


@dataclass(frozen=True)
class CompliancePolicy:
    """Compliance switches: the penalty rule, make-good and banking."""

    penalty: PenaltyRule
    make_good: bool = True
    banking: bool = True


@dataclass(frozen=True)
class ComplianceResult:
    """Per-firm outcome of one compliance year (arrays are read-only).

    Attributes
    ----------
    year
        Compliance year.
    counted_use_tce
        Energy use counted for compliance [tce].
    surrendered_tce
        Rights surrendered [tce].
    shortfall_tce
        Counted use not covered by surrendered rights [tce].
    penalty_rate_cny_per_tce
        Penalty rate applied [CNY/tce].
    penalty_cny
        Penalty per firm [CNY].
    compliant
        True where the shortfall is zero.
    make_good_tce
        Rights to deduct from the firm's next free allocations [tce].
    banked_tce
        Rights carried to the next year [tce].
    expired_tce
        Rights cancelled at year end because banking is off [tce].
    """

    year: int
    counted_use_tce: FloatArray
    surrendered_tce: FloatArray
    shortfall_tce: FloatArray
    penalty_rate_cny_per_tce: float
    penalty_cny: FloatArray
    compliant: BoolArray
    make_good_tce: FloatArray
    banked_tce: FloatArray
    expired_tce: FloatArray

    @property
    def total_penalty_cny(self) -> float:
        """Sum of penalties [CNY]."""
        return math.fsum(self.penalty_cny)

    @property
    def compliance_rate(self) -> float:
        """Share of firms that complied."""
        return float(np.mean(self.compliant)) if self.compliant.size else 1.0


def _array(field: str, values: npt.ArrayLike, n: int | None = None) -> FloatArray:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError):
        raise ComplianceError(f"{field} must be numbers, got {values!r}") from None
    if arr.ndim != 1 or (n is not None and arr.size != n):
        raise ComplianceError(
            f"{field} must be one value per firm ({n if n is not None else 'n'}), "
            f"got shape {arr.shape}"
        )
    bad = ~np.isfinite(arr) | (arr < 0.0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ComplianceError(
            f"{field}[{i}] = {float(arr[i])!r} tce is not allowed; need finite values >= 0"
        )
    return arr


def _read_only(a: _A) -> _A:
    a.setflags(write=False)
    return a


def average_price_cny_per_tce(
    prices_cny_per_tce: npt.ArrayLike, volumes_tce: npt.ArrayLike
) -> float:
    """Volume-weighted average price of the year's trades [CNY/tce]; ``nan`` if none traded.

    Entries with zero volume or a non-finite price (auctions without trade) are ignored.
    """
    p = np.atleast_1d(np.asarray(prices_cny_per_tce, dtype=np.float64))
    v = np.atleast_1d(np.asarray(volumes_tce, dtype=np.float64))
    if p.shape != v.shape:
        raise ComplianceError(f"prices ({p.size}) and volumes ({v.size}) must have the same length")
    use = np.isfinite(p) & np.isfinite(v) & (v > 0.0)
    total = math.fsum(v[use])
    return math.fsum(p[use] * v[use]) / total if total > 0.0 else math.nan


def assess_compliance(
    held_tce: npt.ArrayLike,
    counted_use_tce: npt.ArrayLike,
    policy: CompliancePolicy,
    average_price_cny_per_tce: float,
    year: int,
) -> ComplianceResult:
    """Compute surrender, shortfall, penalty, make-good and banking per firm.

    Parameters
    ----------
    held_tce
        Rights held by each firm before surrender [tce].
    counted_use_tce
        Each firm's energy use counted for compliance (after any renewable exclusion) [tce].
    policy
        Penalty rule, make-good and banking switches.
    average_price_cny_per_tce
        The year's average rights price (used by a price-multiple penalty) [CNY/tce].
    year
        Compliance year.
    """
    held = _array("held_tce", held_tce)
    use = _array("counted_use_tce", counted_use_tce, held.size)
    if not isinstance(policy, CompliancePolicy):
        raise ComplianceError(f"policy must be a CompliancePolicy, got {type(policy).__name__}")
    surrendered = np.minimum(held, use)
    shortfall = use - surrendered
    tol = COMPLIANCE_RTOL * np.maximum(1.0, use)
    compliant = shortfall <= tol
    shortfall = np.where(compliant, 0.0, shortfall)
    rate = policy.penalty.rate_cny_per_tce(average_price_cny_per_tce)
    left = held - surrendered
    zeros = np.zeros(held.size)
    return ComplianceResult(
        year=int(year),
        counted_use_tce=_read_only(use.copy()),
        surrendered_tce=_read_only(surrendered),
        shortfall_tce=_read_only(shortfall),
        penalty_rate_cny_per_tce=rate,
        penalty_cny=_read_only(shortfall * rate),
        compliant=_read_only(compliant),
        make_good_tce=_read_only(shortfall.copy() if policy.make_good else zeros.copy()),
        banked_tce=_read_only(left.copy() if policy.banking else zeros.copy()),
        expired_tce=_read_only(zeros.copy() if policy.banking else left.copy()),
    )


def settle_compliance(
    ledger: RightsLedger,
    counted_use_tce: npt.ArrayLike,
    policy: CompliancePolicy,
    average_price_cny_per_tce: float,
) -> ComplianceResult:
    """Assess compliance for the ledger's open year, surrender rights and close the year.

    The ledger is left unchanged if the input is rejected. Penalties are not posted here:
    the caller books ``result.penalty_cny`` in the money ledger and keeps
    ``result.make_good_tce`` for the next allocation.
    """
    result = assess_compliance(
        ledger.held_tce, counted_use_tce, policy, average_price_cny_per_tce, ledger.year
    )
    firms = np.arange(ledger.n_firms)
    ledger.surrender(firms, result.surrendered_tce, ledger.year)
    ledger.close_year(ledger.year, banking=policy.banking)
    return result


def apply_make_good(
    free_allocation_tce: npt.ArrayLike, owed_tce: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Deduct make-good debts from free allocations.

    Returns
    -------
    allocation_tce, still_owed_tce
        The free allocation after deduction (never negative) and the debt left for later
        years when an allocation is smaller than the debt [tce]. Deducted rights are not
        issued: the year's total allocation falls by the amount deducted.
    """
    alloc = _array("free_allocation_tce", free_allocation_tce)
    owed = _array("owed_tce", owed_tce, alloc.size)
    deducted = np.minimum(alloc, owed)
    return alloc - deducted, owed - deducted
