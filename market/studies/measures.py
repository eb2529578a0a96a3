"""Numerical measures used by study metrics: inequality, intervals, peaks, burden shares.

Pure functions over numpy arrays; no knowledge of the run summary's layout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
NAN = float("nan")


def finite(values: ArrayLike) -> FloatArray:
    """Return the finite entries of ``values`` as a float array (NaN and inf dropped)."""
    arr = np.asarray(values, dtype=np.float64).ravel()
    return arr[np.isfinite(arr)]


def gini(values: ArrayLike) -> float:
    """Gini coefficient of non-negative amounts (0 = equal, → 1 = one holds everything).

    Uses the mean absolute difference form, ``G = Σ_i Σ_j |x_i − x_j| / (2 n² mean)``,
    computed from the sorted values in O(n log n).

    Parameters
    ----------
    values
        Amounts per member, e.g. net cost per firm [CNY]. Non-finite entries are ignored.

    Returns
    -------
    float
        The coefficient in [0, 1 − 1/n]; NaN when there are no finite values or their mean is
        not positive (the coefficient is undefined for such vectors).

    Examples
    --------
    >>> gini([1.0, 2.0, 3.0, 4.0])
    0.25
    >>> gini([0.0, 0.0, 0.0, 1.0])
    0.75
    """
    x = np.sort(finite(values))
    n = x.size
    total = float(x.sum())
    if n == 0 or total <= 0.0:
        return NAN
    weights = 2.0 * np.arange(1, n + 1, dtype=np.float64) - n - 1.0
    value = float(np.dot(weights, x)) / (n * total)
    return max(value, 0.0)  # equal values can round to -1e-16


@dataclass(frozen=True, slots=True)
class Interval:
    """Mean and central interval of a sample."""

    mean: float
    low: float
    high: float


def interval(values: ArrayLike, coverage: float = 0.90) -> Interval:
    """Mean and central ``coverage`` interval of a sample (linear-interpolated percentiles).

    For 90 % coverage the bounds are the 5th and 95th percentiles. Non-finite entries are
    ignored; an empty sample gives NaN everywhere.

    Examples
    --------
    >>> s = interval(np.arange(1.0, 22.0))
    >>> s.mean, round(s.low, 9), round(s.high, 9)
    (11.0, 2.0, 20.0)
    """
    if not 0.0 < coverage < 1.0:
        raise ValueError(f"coverage: got {coverage!r}; allowed: a fraction in (0, 1)")
    x = finite(values)
    if x.size == 0:
        return Interval(NAN, NAN, NAN)
    tail = 100.0 * (1.0 - coverage) / 2.0
    low, high = np.percentile(x, [tail, 100.0 - tail])
    return Interval(float(x.mean()), float(low), float(high))


@dataclass(frozen=True, slots=True)
class Peak:
    """Year and level of a series' maximum, and whether it peaked before a deadline."""

    year: float
    level: float
    before_deadline: float


def peak(years: ArrayLike, levels: ArrayLike, deadline_year: int) -> Peak:
    """Peak year and level of an annual series, e.g. CO2 [tCO2/yr].

    Ties go to the earliest year. ``before_deadline`` is 1.0 when the peak lies before
    ``deadline_year`` and the series falls after it within the simulated years, 0.0 when the
    peak is at or after the deadline (or the series still rises in a final year at or after the
    deadline), and NaN when the run ends before the deadline while still at its maximum, so
    whether it peaks in time is unknown.

    Parameters
    ----------
    years
        Calendar years, increasing.
    levels
        Values per year; non-finite entries are skipped.
    deadline_year
        The target says "peak before this year" (2030 for Shaanxi's industrial CO2).
    """
    y = np.asarray(years, dtype=np.float64).ravel()
    v = np.asarray(levels, dtype=np.float64).ravel()
    if y.shape != v.shape:
        raise ValueError(f"years and levels: got {y.size} and {v.size} values; allowed: same size")
    keep = np.isfinite(v) & np.isfinite(y)
    y, v = y[keep], v[keep]
    if y.size == 0:
        return Peak(NAN, NAN, NAN)
    at = int(np.argmax(v))
    peak_year = float(y[at])
    last_year = float(y.max())
    if peak_year >= deadline_year:
        flag = 0.0
    elif peak_year < last_year:
        flag = 1.0
    else:
        flag = NAN
    return Peak(peak_year, float(v[at]), flag)


@dataclass(frozen=True, slots=True)
class Burden:
    """Cost and output shares of the smallest firms, and their ratio."""

    cost_share_pct: float
    output_share_pct: float
    ratio: float


def smallest_share_burden(
    output_t: ArrayLike, cost_cny: ArrayLike, fraction: float = 1 / 3
) -> Burden:
    """Burden on the smallest firms: their share of cost relative to their share of output.

    The smallest ``fraction`` of firms by output (at least one; ties broken by position) form the
    group. A ratio above 1 means they carry more cost than their output share.

    Parameters
    ----------
    output_t
        Output per firm [t].
    cost_cny
        Cost per firm [CNY].
    fraction
        Share of firms counted as small.

    Returns
    -------
    Burden
        Shares in percent and their ratio; NaN where a total is not positive.

    Examples
    --------
    >>> b = smallest_share_burden([10.0, 20.0, 70.0], [30.0, 30.0, 40.0])
    >>> round(b.cost_share_pct, 9), round(b.output_share_pct, 9), round(b.ratio, 9)
    (30.0, 10.0, 3.0)
    """
    out = np.asarray(output_t, dtype=np.float64).ravel()
    cost = np.asarray(cost_cny, dtype=np.float64).ravel()
    if out.shape != cost.shape:
        raise ValueError(
            f"output_t and cost_cny: got {out.size} and {cost.size} values; allowed: same size"
        )
    keep = np.isfinite(out) & np.isfinite(cost)
    out, cost = out[keep], cost[keep]
    n = out.size
    if n == 0:
        return Burden(NAN, NAN, NAN)
    k = max(1, int(round(n * fraction)))
    small = np.argsort(out, kind="stable")[:k]
    total_out, total_cost = float(out.sum()), float(cost.sum())
    out_share = 100.0 * float(out[small].sum()) / total_out if total_out > 0 else NAN
    cost_share = 100.0 * float(cost[small].sum()) / total_cost if total_cost > 0 else NAN
    ratio = cost_share / out_share if out_share > 0 and math.isfinite(cost_share) else NAN
    return Burden(cost_share, out_share, ratio)
