"""Allocation of energy-use rights: the cap path, free-allocation rules, the uniform-price
auction of rights and the recycling of auction revenue.

All functions are pure and vectorised over firms. Every free-allocation rule returns the free
allocation per firm for one year [tce]; what the cap leaves over is auctioned
(:func:`auction_volume_tce`).

Rules
    * ``grandfathering``: base-year energy use × factor.
    * ``benchmark_ex_ante``: expected output × benchmark intensity, scaled down uniformly to
      the cap when the total exceeds it.
    * ``output_based_ex_post``: actual output × benchmark intensity (known after the year).
    * ``auction``: no free allocation; the whole cap is auctioned.
    * ``hybrid``: a free share of a basis allocation that declines by year; the rest of the
      cap is auctioned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clearing import MarketSpec, Order, Side, clear

FloatArray = npt.NDArray[np.float64]

RECYCLING_RULES: tuple[str, ...] = ("none", "lump_sum_equal", "output_based", "to_treasury")
"""Ways auction revenue is used: kept by the auctioneer, returned in equal lump sums to firms,
returned in proportion to output, or paid to the treasury."""

AUCTIONEER = "auctioneer"
"""Agent name of the auctioneer's offer in a rights auction book."""

RIGHTS_PRODUCT = "rights_tce"
"""Product name of energy-use rights in clearing books."""


_NEGLIGIBLE_SHARE = 1e-12
"""Bids smaller than this share of the auctioned volume are ignored."""


class AllocationError(ValueError):
    """Bad input to an allocation rule; the message names the field, value and what is allowed."""


# ----------------------------------------------------------------------------- validation
def _per_firm(field: str, values: npt.ArrayLike, n: int | None = None) -> FloatArray:
    """A 1-D array of finite, non-negative floats (a scalar is broadcast to ``n``)."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise AllocationError(f"{field} must be numbers, got {values!r}") from None
    if arr.ndim == 0:
        arr = np.full(1 if n is None else n, float(arr))
    if arr.ndim != 1:
        raise AllocationError(f"{field} must be one value per firm, got shape {arr.shape}")
    if n is not None and arr.size != n:
        raise AllocationError(f"{field} has {arr.size} entries; need one per firm ({n})")
    bad = ~np.isfinite(arr) | (arr < 0.0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise AllocationError(
            f"{field}[{i}] = {float(arr[i])!r} is not allowed; need finite values >= 0"
        )
    return arr


def _non_negative(field: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise AllocationError(f"{field} must be a number, got {value!r}") from None
    if not math.isfinite(v) or v < 0.0:
        raise AllocationError(f"{field} = {value!r} is not allowed; need a finite value >= 0")
    return v


# ----------------------------------------------------------------------------- cap path
def cap_path(base_cap_tce: float, annual_change: float, years: int) -> FloatArray:
    """Cap for each of ``years`` consecutive years [tce], changing geometrically.

    ``cap[k] = base_cap_tce × (1 + annual_change) ** k``, so ``annual_change = -0.03``
    tightens the cap by 3 % a year.

    Parameters
    ----------
    base_cap_tce
        Cap of the first year [tce], >= 0.
    annual_change
        Relative change per year, > -1.
    years
        Number of years, >= 1.
    """
    base = _non_negative("base_cap_tce", base_cap_tce)
    try:
        change = float(annual_change)
    except (TypeError, ValueError):
        raise AllocationError(f"annual_change must be a number, got {annual_change!r}") from None
    if not math.isfinite(change) or change <= -1.0:
        raise AllocationError(
            f"annual_change = {annual_change!r} is not allowed; need a finite value > -1"
        )
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or years < 1:
        raise AllocationError(f"years = {years!r} is not allowed; need an integer >= 1")
    return base * (1.0 + change) ** np.arange(int(years), dtype=np.float64)


# ----------------------------------------------------------------------------- free rules
def grandfathering(base_year_use_tce: npt.ArrayLike, factor: npt.ArrayLike) -> FloatArray:
    """Free allocation = base-year energy use [tce] × factor (scalar or per firm)."""
    base = _per_firm("base_year_use_tce", base_year_use_tce)
    f = _per_firm("factor", factor, base.size)
    return base * f


def benchmark_ex_ante(
    expected_output_t: npt.ArrayLike,
    benchmark_tce_per_t: npt.ArrayLike,
    cap_tce: float | None = None,
) -> FloatArray:
    """Free allocation = expected output [t] × benchmark intensity [tce/t].

    When ``cap_tce`` is given and the total exceeds it, every firm's allocation is multiplied
    by the same correction factor ``cap_tce / total`` so that the total equals the cap (a
    uniform cross-sector correction); below the cap nothing is scaled.
    """
    out = _per_firm("expected_output_t", expected_output_t)
    bench = _per_firm("benchmark_tce_per_t", benchmark_tce_per_t, out.size)
    alloc = out * bench
    if cap_tce is not None:
        cap = _non_negative("cap_tce", cap_tce)
        total = math.fsum(alloc)
        if total > cap:
            alloc = alloc * (cap / total)
    return alloc


def output_based_ex_post(
    actual_output_t: npt.ArrayLike, benchmark_tce_per_t: npt.ArrayLike
) -> FloatArray:
    """Free allocation = actual output of the year [t] × benchmark intensity [tce/t]."""
    out = _per_firm("actual_output_t", actual_output_t)
    bench = _per_firm("benchmark_tce_per_t", benchmark_tce_per_t, out.size)
    return out * bench


def auction(n_firms: int) -> FloatArray:
    """Free allocation under full auctioning: zero for every firm (the cap is auctioned)."""
    if isinstance(n_firms, bool) or not isinstance(n_firms, int | np.integer) or n_firms < 0:
        raise AllocationError(f"n_firms = {n_firms!r} is not allowed; need an integer >= 0")
    return np.zeros(int(n_firms))


def free_share(free_share_by_year: Mapping[int, float], year: int) -> float:
    """Free share for ``year`` from a schedule ``{year: share}``.

    The schedule is a step function: a listed share holds from its year until the next listed
    year; years before the first listed year take the first share.
    """
    if not free_share_by_year:
        raise AllocationError("free_share_by_year is empty; give at least one {year: share}")
    for y, s in free_share_by_year.items():
        if isinstance(y, bool) or not isinstance(y, int | np.integer):
            raise AllocationError(f"free_share_by_year key {y!r} is not allowed; need a year")
        v = _non_negative(f"free_share_by_year[{y}]", s)
        if v > 1.0:
            raise AllocationError(
                f"free_share_by_year[{y}] = {s!r} is not allowed; need a share in [0, 1]"
            )
    years = sorted(free_share_by_year)
    chosen = years[0]
    for y in years:
        if y <= year:
            chosen = y
    return float(free_share_by_year[chosen])


def linear_free_share(
    start_year: int, start_share: float, end_year: int, end_share: float
) -> dict[int, float]:
    """A schedule falling linearly from ``start_share`` to ``end_share`` (shares in [0, 1])."""
    if end_year < start_year:
        raise AllocationError(
            f"end_year = {end_year!r} is before start_year = {start_year!r}; need end >= start"
        )
    for name, s in (("start_share", start_share), ("end_share", end_share)):
        if not 0.0 <= _non_negative(name, s) <= 1.0:
            raise AllocationError(f"{name} = {s!r} is not allowed; need a share in [0, 1]")
    n = end_year - start_year
    return {
        start_year + k: float(start_share + (end_share - start_share) * (k / n if n else 1.0))
        for k in range(n + 1)
    }


def hybrid(
    free_share_by_year: Mapping[int, float],
    year: int,
    basis_tce: npt.ArrayLike,
    cap_tce: float,
) -> FloatArray:
    """Free allocation = the year's free share × a basis allocation [tce].

    ``basis_tce`` is what a fully free rule would give (for example :func:`benchmark_ex_ante`
    or :func:`grandfathering`); if it exceeds the cap it is first scaled down uniformly to
    the cap. The rest of the cap is auctioned (:func:`auction_volume_tce`).
    """
    share = free_share(free_share_by_year, year)
    basis = _per_firm("basis_tce", basis_tce)
    cap = _non_negative("cap_tce", cap_tce)
    total = math.fsum(basis)
    if total > cap:
        basis = basis * (cap / total)
    return share * basis


def auction_volume_tce(cap_tce: float, free_tce: npt.ArrayLike) -> float:
    """Rights left for auction once free allocation is given out [tce] (never negative)."""
    cap = _non_negative("cap_tce", cap_tce)
    free = _per_firm("free_tce", free_tce)
    return max(cap - math.fsum(free), 0.0)


# ----------------------------------------------------------------------------- auction
@dataclass(frozen=True)
class RightsAuctionResult:
    """Outcome of a uniform-price sealed-bid auction of rights.

    Attributes
    ----------
    price_cny_per_tce
        Uniform price paid by every winning bid; ``nan`` when nothing sold.
    awarded_tce
        Rights won per firm [tce].
    paid_cny
        Payment per firm [CNY] (awarded × price).
    sold_tce, unsold_tce
        Rights sold and left unsold out of the volume offered [tce]; the caller decides what
        happens to unsold rights (cancel them or move them to the reserve).
    revenue_cny
        Auction revenue [CNY].
    """

    price_cny_per_tce: float
    awarded_tce: FloatArray
    paid_cny: FloatArray
    sold_tce: float
    unsold_tce: float
    revenue_cny: float


def auction_rights(
    bidder_idx: npt.ArrayLike,
    quantity_tce: npt.ArrayLike,
    price_cny_per_tce: npt.ArrayLike,
    *,
    n_firms: int,
    volume_tce: float,
    reserve_price_cny_per_tce: float = 0.0,
    price_cap_cny_per_tce: float = 1e6,
    solver: str = "auto",
) -> RightsAuctionResult:
    """Sell ``volume_tce`` rights in a uniform-price sealed-bid auction.

    The book holds one offer by the auctioneer, the whole volume at the reserve price, and
    the firms' bids; :func:`clearing.clear` clears it. Winning bids pay the uniform price:
    when supply binds, the marginal bid's price (or the midpoint of the clearing interval
    when no bid is marginal); when demand falls short, the reserve price. Equal bids at the
    margin are served in input order.

    Parameters
    ----------
    bidder_idx
        Firm index of each bid (a firm may bid several steps).
    quantity_tce, price_cny_per_tce
        Quantity [tce] and limit price [CNY/tce] of each bid. Bids below the reserve price,
        and bids smaller than 1e-12 of the volume, are left out of the book.
    n_firms
        Number of firms (length of the per-firm results).
    volume_tce
        Rights offered [tce].
    reserve_price_cny_per_tce
        Lowest price at which rights are sold [CNY/tce].
    price_cap_cny_per_tce
        Highest admissible bid [CNY/tce].
    solver
        Passed to :func:`clearing.clear`.
    """
    if isinstance(n_firms, bool) or not isinstance(n_firms, int | np.integer) or n_firms < 1:
        raise AllocationError(f"n_firms = {n_firms!r} is not allowed; need an integer >= 1")
    idx_raw = np.atleast_1d(np.asarray(bidder_idx))
    if idx_raw.ndim != 1 or (idx_raw.size and not np.issubdtype(idx_raw.dtype, np.integer)):
        raise AllocationError(f"bidder_idx must be integer firm indices, got {bidder_idx!r}")
    idx = idx_raw.astype(np.int64)
    bad = (idx < 0) | (idx >= n_firms)
    if np.any(bad):
        raise AllocationError(
            f"bidder_idx {int(idx[np.argmax(bad)])} is not allowed; firms are 0 to {n_firms - 1}"
        )
    qty = _per_firm("quantity_tce", quantity_tce, idx.size)
    price = _per_firm("price_cny_per_tce", price_cny_per_tce, idx.size)
    volume = _non_negative("volume_tce", volume_tce)
    reserve = _non_negative("reserve_price_cny_per_tce", reserve_price_cny_per_tce)
    cap = _non_negative("price_cap_cny_per_tce", price_cap_cny_per_tce)
    if reserve > cap:
        raise AllocationError(
            f"reserve_price_cny_per_tce = {reserve!r} is above price_cap_cny_per_tce = {cap!r}"
        )
    over = price > cap
    if np.any(over):
        i = int(np.argmax(over))
        raise AllocationError(
            f"price_cny_per_tce[{i}] = {float(price[i])!r} is above the price cap {cap!r}"
        )

    awarded = np.zeros(int(n_firms))
    # Bids below the reserve price cannot win and bids below a 1e-12 share of the volume are
    # float noise: both are left out of the book.
    live = np.flatnonzero((qty > _NEGLIGIBLE_SHARE * volume) & (price >= reserve))
    if volume <= 0.0 or live.size == 0:
        return RightsAuctionResult(math.nan, awarded, np.zeros(int(n_firms)), 0.0, volume, 0.0)

    orders = [
        Order(
            id=AUCTIONEER,
            agent=AUCTIONEER,
            side=Side.SELL,
            quantity=volume,
            price=reserve,
            product=RIGHTS_PRODUCT,
        )
    ]
    orders.extend(
        Order(
            id=f"bid_{k}",
            agent=f"firm_{int(idx[k])}",
            side=Side.BUY,
            quantity=float(qty[k]),
            price=float(price[k]),
            product=RIGHTS_PRODUCT,
            sequence=int(k),
        )
        for k in live
    )
    spec = MarketSpec(price_floor=0.0, price_cap=cap)
    result = clear(orders, spec, solver=solver)
    won = np.array([result.accepted.get(f"bid_{k}", 0.0) for k in live], dtype=np.float64)
    np.add.at(awarded, idx[live], won)
    sold = math.fsum(won)
    if sold <= 0.0:
        return RightsAuctionResult(math.nan, awarded, np.zeros(int(n_firms)), 0.0, volume, 0.0)
    clearing_price = float(result.price_of(product=RIGHTS_PRODUCT))
    if not math.isfinite(clearing_price):
        return RightsAuctionResult(
            math.nan, np.zeros(int(n_firms)), np.zeros(int(n_firms)), 0.0, volume, 0.0
        )
    paid = awarded * clearing_price
    return RightsAuctionResult(
        price_cny_per_tce=clearing_price,
        awarded_tce=awarded,
        paid_cny=paid,
        sold_tce=sold,
        unsold_tce=max(volume - sold, 0.0),
        revenue_cny=math.fsum(paid),
    )


# ----------------------------------------------------------------------------- recycling
@dataclass(frozen=True)
class RevenueRecycling:
    """Where auction revenue goes [CNY].

    Attributes
    ----------
    to_firms_cny
        Paid back to each firm.
    to_treasury_cny
        Paid to the treasury.
    retained_cny
        Kept by the auctioneer (market operator).
    """

    to_firms_cny: FloatArray
    to_treasury_cny: float
    retained_cny: float


def recycle_revenue(
    revenue_cny: float,
    rule: str,
    n_firms: int,
    output_t: npt.ArrayLike | None = None,
) -> RevenueRecycling:
    """Split auction revenue by a recycling rule.

    * ``none``: the auctioneer keeps it.
    * ``lump_sum_equal``: every firm gets the same share.
    * ``output_based``: firms get shares proportional to ``output_t`` (required); if total
      output is zero the revenue is shared equally.
    * ``to_treasury``: all of it goes to the treasury.
    """
    revenue = _non_negative("revenue_cny", revenue_cny)
    if rule not in RECYCLING_RULES:
        raise AllocationError(
            f"recycling rule {rule!r} is not allowed; use one of {', '.join(RECYCLING_RULES)}"
        )
    if isinstance(n_firms, bool) or not isinstance(n_firms, int | np.integer) or n_firms < 1:
        raise AllocationError(f"n_firms = {n_firms!r} is not allowed; need an integer >= 1")
    n = int(n_firms)
    zeros = np.zeros(n)
    if rule == "none":
        return RevenueRecycling(zeros, 0.0, revenue)
    if rule == "to_treasury":
        return RevenueRecycling(zeros, revenue, 0.0)
    weights = np.ones(n)
    if rule == "output_based":
        if output_t is None:
            raise AllocationError("output_t is required by the output_based recycling rule")
        out = _per_firm("output_t", output_t, n)
        if math.fsum(out) > 0.0:
            weights = out
    return RevenueRecycling(revenue * weights / math.fsum(weights), 0.0, 0.0)
