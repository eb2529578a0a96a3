"""The perfect-foresight price path of energy-use rights across the years of a run.

Firms that know every year's cap and abatement cost curve, may bank rights and may not borrow
them, trade so that the **discounted price is constant while the bank is positive** (the
Hotelling rule ``p_t = p_s (1 + r) ** (t - s)``): a right banked from year ``t`` to ``t + 1`` is
worth ``p_{t+1} / (1 + r)`` and arbitrage equalises the two. Where the bank empties, the path
breaks: the discounted price of the following years may be lower (rights are scarce now, and
they cannot be borrowed from the future), never higher. After the last year of the run a banked
right is worth nothing, so the last year either ends with an empty bank or clears at 0.

Solution (segments)
-------------------
Let ``f_e(λ) = B + Σ_{t=s..e} (S_t − U_t + A_t(λ (1 + r) ** (t − s)))`` be the bank at the end
of year ``e`` when the segment starting in year ``s`` with bank ``B`` has price ``λ`` in its first
year, where ``S_t`` is the year's supply of rights, ``U_t`` the expected counted use before
abatement and ``A_t(p)`` the abatement of all options costing at most ``p``. ``λ_e`` is the
lowest ``λ >= 0`` with ``f_e(λ) >= 0``. No borrowing needs ``f_e >= 0`` for every ``e``, so the
segment's price is ``λ* = max_e λ_e``; it ends at the first year ``e*`` attaining the maximum,
where the bank is exactly 0 (the options costing exactly the price are used in the share that
empties it, earliest years first), and the next segment starts there with an empty bank.

Where rights are worth nothing (price 0), options costing nothing or less are done only as far
as the bank needs them, as the myopic firms do: no firm abates more than the market asks.

Non-compliance caps the price: in each year any use beyond the rights held can be left short
at the ``ceiling`` (the penalty, or the market's price cap), modelled as one more option of that
cost whose capacity is the year's whole use.

All functions are pure and work on arrays; the market (:mod:`market.markets.energy_rights`)
supplies each year's figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from agents.abatement import AbatementOptions

__all__ = [
    "PricePath",
    "PricePathError",
    "abatement_by_slot_at_price",
    "foresight_price_path",
]

FloatArray = NDArray[np.float64]

#: Relative tolerance for "costs exactly the price" [-].
PRICE_TOLERANCE = 1e-9


class PricePathError(ValueError):
    """Raised when the inputs of a price path are malformed; the message names the field."""


@dataclass(frozen=True)
class PricePath:
    """Yearly outcome of the perfect-foresight market (one entry per year of the run).

    Attributes
    ----------
    price_cny_per_tce
        Price of a right in each year [CNY/tce].
    abatement_tce
        Abatement carried out in each year [tce] (options costing at most the price).
    shortfall_tce
        Use left without rights in each year, paid at the ceiling [tce].
    bank_tce
        Rights banked at the end of each year [tce], ``>= 0``.
    marginal_share
        Share of the capacity of the options that cost exactly the year's price that is used
        [-]; 1 where no option costs exactly the price.
    """

    price_cny_per_tce: FloatArray
    abatement_tce: FloatArray
    shortfall_tce: FloatArray
    bank_tce: FloatArray
    marginal_share: FloatArray


@dataclass(frozen=True)
class _Year:
    """One year's options as a sorted step curve, the shortfall option included."""

    cost: FloatArray  # ascending [CNY/tce]
    capacity: FloatArray  # [tce]
    is_shortfall: NDArray[np.bool_]
    net_tce: float  # supply - use [tce]

    def taken(self, price: float) -> float:
        """Abatement (shortfall included) of every option costing at most ``price`` [tce]."""
        k = int(np.searchsorted(self.cost, _upper(price), side="right"))
        return float(self.capacity[:k].sum())

    def first_at(self, price: float) -> int:
        """Index of the first option costing ``price`` or more (0 for a price of 0 or less:
        options costing nothing or less count as costing the price then)."""
        if price <= 0.0:
            return 0
        return int(np.searchsorted(self.cost, _lower(price), side="left"))

    def below(self, price: float) -> float:
        """Abatement of the options costing less than ``price`` (beyond the tolerance)."""
        return float(self.capacity[: self.first_at(price)].sum())


def _upper(price: float) -> float:
    return price + PRICE_TOLERANCE * max(abs(price), 1.0)


def _lower(price: float) -> float:
    return price - PRICE_TOLERANCE * max(abs(price), 1.0)


def _vector(name: str, values: npt.ArrayLike, n: int) -> FloatArray:
    arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    if arr.shape == (1,) and n != 1:
        arr = np.full(n, float(arr[0]))
    if arr.shape != (n,):
        raise PricePathError(f"{name}: expected {n} values (one per year), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise PricePathError(f"{name}[{bad}] = {arr[bad]}; a finite number is required")
    return arr


def _build_year(
    options: AbatementOptions, supply_tce: float, use_tce: float, ceiling: float
) -> _Year:
    cap = options.capacity_tce.ravel()
    cost = options.cost_cny_per_tce.ravel()
    used = (cap > 0.0) & np.isfinite(cost) & (cost < ceiling)
    cost = np.concatenate((cost[used], [ceiling]))
    capacity = np.concatenate((cap[used], [max(use_tce, 0.0)]))
    shortfall = np.concatenate((np.zeros(int(used.sum()), bool), [True]))
    order = np.argsort(cost, kind="stable")
    return _Year(cost[order], capacity[order], shortfall[order], supply_tce - use_tce)


def _lowest_price(years: Sequence[_Year], growth: FloatArray, bank: float) -> float:
    """Lowest first-year price λ >= 0 at which the bank after the last of ``years`` is >= 0."""

    def bank_after(lam: float) -> float:
        return bank + sum(y.net_tce + y.taken(lam * g) for y, g in zip(years, growth, strict=True))

    if bank_after(0.0) >= -1e-9:
        return 0.0
    candidates = np.unique(
        np.concatenate([y.cost / g for y, g in zip(years, growth, strict=True)])
    )
    candidates = candidates[candidates > 0.0]
    lo, hi = 0, candidates.size - 1  # bank_after(candidates[-1]) >= 0: every option taken
    while lo < hi:
        mid = (lo + hi) // 2
        if bank_after(float(candidates[mid])) >= -1e-9:
            hi = mid
        else:
            lo = mid + 1
    return float(candidates[lo])


def foresight_price_path(
    supply_tce: npt.ArrayLike,
    use_tce: npt.ArrayLike,
    options: Sequence[AbatementOptions],
    ceiling_cny_per_tce: npt.ArrayLike,
    discount_rate: float,
    *,
    initial_bank_tce: float = 0.0,
    banking: bool = True,
    price_hint_cny_per_tce: float | None = None,
) -> PricePath:
    """Solve the perfect-foresight price path with banking and no borrowing.

    Parameters
    ----------
    supply_tce : array_like, shape (n,)
        Rights issued in each year (free allocation plus primary sales) [tce].
    use_tce : array_like, shape (n,)
        Expected counted energy use of all firms in each year before abatement [tce], ``>= 0``.
    options : sequence of AbatementOptions, length n
        Each year's abatement options of all firms (capacities for that year) [tce, CNY/tce].
    ceiling_cny_per_tce : array_like, scalar or shape (n,)
        Price at which use may be left short instead (the penalty or the price cap) [CNY/tce],
        ``> 0``.
    discount_rate : float
        Discount rate between consecutive years [1/yr], ``>= 0``.
    initial_bank_tce : float, optional
        Rights held before the first year's supply [tce], ``>= 0``.
    banking : bool, optional
        Whether unused rights carry over to the next year; without banking every year is its
        own market and surplus expires.
    price_hint_cny_per_tce : float, optional
        Price the first year was expected to have (by an earlier solution) [CNY/tce]. Step
        cost curves can leave a range of prices that give the same quantities; the solution
        takes the lowest, or this price when it lies within the first segment's range.

    Returns
    -------
    PricePath

    Raises
    ------
    PricePathError
        On mismatched lengths, negative or non-finite inputs.
    """
    n = len(options)
    if n == 0:
        raise PricePathError("options: at least one year is required")
    supply = _vector("supply_tce", supply_tce, n)
    use = _vector("use_tce", use_tce, n)
    ceiling = _vector("ceiling_cny_per_tce", ceiling_cny_per_tce, n)
    for name, arr, ok in (
        ("supply_tce", supply, supply >= 0.0),
        ("use_tce", use, use >= 0.0),
        ("ceiling_cny_per_tce", ceiling, ceiling > 0.0),
    ):
        if not ok.all():
            bad = int(np.flatnonzero(~ok)[0])
            allowed = "> 0" if name.startswith("ceiling") else ">= 0"
            raise PricePathError(f"{name}[{bad}] = {arr[bad]}; must be {allowed}")
    rate = float(discount_rate)
    if not math.isfinite(rate) or not 0.0 <= rate <= 1.0:
        raise PricePathError(f"discount_rate = {discount_rate!r}; a value in [0, 1] is required")
    bank = float(initial_bank_tce)
    if not math.isfinite(bank) or bank < 0.0:
        raise PricePathError(f"initial_bank_tce = {initial_bank_tce!r}; a finite value >= 0")
    hint = None
    if price_hint_cny_per_tce is not None and math.isfinite(price_hint_cny_per_tce):
        hint = float(price_hint_cny_per_tce)
    years = [
        _build_year(o, float(s), float(u), float(c))
        for o, s, u, c in zip(options, supply, use, ceiling, strict=True)
    ]
    price = np.zeros(n)
    abatement = np.zeros(n)
    shortfall = np.zeros(n)
    bank_end = np.zeros(n)
    share = np.ones(n)
    s = 0
    while s < n:
        last = n if banking else s + 1
        growth = (1.0 + rate) ** np.arange(last - s, dtype=np.float64)
        lams = [
            _lowest_price(years[s : e + 1], growth[: e + 1 - s], bank) for e in range(s, last)
        ]
        top = max(lams)
        end = s + next(i for i, lam in enumerate(lams) if lam >= top * (1.0 - PRICE_TOLERANCE))
        seg = range(s, end + 1)
        prices = [top * float(growth[t - s]) for t in seg]
        below = [years[t].below(p) for t, p in zip(seg, prices, strict=True)]
        at_price = [years[t].taken(p) - b for t, p, b in zip(seg, prices, below, strict=True)]
        balance = bank + sum(years[t].net_tce for t in seg) + sum(below)
        need = max(-balance, 0.0)
        carry = bank
        for k, t in enumerate(seg):
            fill = min(need, at_price[k])
            need -= fill
            share[t] = fill / at_price[k] if at_price[k] > 0.0 else 1.0
            y = years[t]
            lo = y.first_at(prices[k])
            hi = int(np.searchsorted(y.cost, _upper(prices[k]), side="right"))
            used = y.capacity.copy()
            used[hi:] = 0.0
            used[lo:hi] *= share[t]
            shortfall[t] = float(used[y.is_shortfall].sum())
            abatement[t] = float(used[~y.is_shortfall].sum())
            carry = carry + y.net_tce + float(used.sum())
            bank_end[t] = max(carry, 0.0)
            price[t] = prices[k]
        if s == 0 and hint is not None and hint > top:
            # Step curves leave a range of prices with the same quantities; keep the expected
            # price when it lies in that range, so that a path solved again without news
            # keeps its prices.
            raised = [hint * float(growth[t - s]) for t in seg]
            done = [abatement[t] + shortfall[t] for t in seg]
            if all(
                abs(years[t].taken(q) - d) <= 1e-9 * max(d, 1.0)
                for t, q, d in zip(seg, raised, done, strict=True)
            ):
                for t, q in zip(seg, raised, strict=True):
                    price[t] = q
                    share[t] = 1.0
        bank = bank_end[end] if banking else 0.0
        s = end + 1
    return PricePath(price, abatement, shortfall, bank_end, share)


def abatement_by_slot_at_price(
    options: AbatementOptions, price_cny_per_tce: float, marginal_share: float
) -> FloatArray:
    """Abatement of each option slot when a right is worth ``price`` [tce], shape ``(F, K)``.

    Options cheaper than the price are taken in full, options costing exactly the price in the
    share ``marginal_share`` (how much of them the perfect-foresight path uses), dearer ones not.
    At a price of 0 or less, options costing nothing or less all count as costing the price.
    """
    cost = options.cost_cny_per_tce
    cap = options.capacity_tce
    price = float(price_cny_per_tce)
    below = cost < _lower(price) if price > 0.0 else np.zeros(cost.shape, dtype=bool)
    at = ~below & (cost <= _upper(price_cny_per_tce))
    share = min(max(float(marginal_share), 0.0), 1.0)
    out: FloatArray = np.where(below, cap, np.where(at, cap * share, 0.0))
    return out
