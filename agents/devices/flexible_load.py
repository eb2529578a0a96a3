"""Shiftable load: move part of each day's consumption from expensive to cheap steps.

Within each day (``steps_per_day`` consecutive steps, the series starting at a day boundary):

* **high-price** steps are those priced above the day's mean price, **low-price** steps
  those priced below it; steps at the mean are untouched, and a day with a flat price shifts
  nothing;
* the shiftable energy is ``flexible_frac`` x the load in the high-price steps;
* it is placed in the low-price steps, cheapest first, each step taking at most
  ``max_increase_frac`` x its own original load (ties in price are filled in time order);
* if the low-price steps cannot take all of it, only what fits is moved, and every high-price
  step gives up the same fraction of its flexible part.

Removed energy equals placed energy, so every day's total is conserved (to rounding), and the
load never becomes negative. Loads are powers [kW] at a fixed step length, so sums over a day
are proportional to energy.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "FlexibleLoadInputError",
    "shift_flexible_load_kw",
]


class FlexibleLoadInputError(ValueError):
    """Raised when the load-shifting function receives an invalid argument."""


def shift_flexible_load_kw(
    load_kw: npt.ArrayLike,
    price: npt.ArrayLike,
    flexible_frac: float,
    steps_per_day: int,
    max_increase_frac: float,
) -> npt.NDArray[np.float64]:
    """Shift a fraction of each day's load out of high-price into low-price steps.

    Parameters
    ----------
    load_kw : array_like
        Load [kW], shape (T,) or (T, F) for F firms; >= 0. T must be a whole number of days.
    price : array_like
        Energy price per step [CNY/MWh or any unit], shape (T,) shared by all firms, or
        (T, F).
    flexible_frac : float
        Share of the high-price load that may move [fraction], in [0, 1].
    steps_per_day : int
        Steps per day (24 for hourly data), >= 1.
    max_increase_frac : float
        Largest increase of a low-price step relative to its original load [fraction], >= 0.

    Returns
    -------
    numpy.ndarray
        Shifted load [kW], same shape as ``load_kw``, with the same daily sums.

    Raises
    ------
    FlexibleLoadInputError
        On a bad shape, a negative or non-finite load or price, or a parameter outside its
        range.
    """
    load = np.asarray(load_kw, dtype=np.float64)
    prices = np.asarray(price, dtype=np.float64)
    if load.ndim not in (1, 2):
        raise FlexibleLoadInputError(f"load_kw must have shape (T,) or (T, F), got {load.shape}")
    if not np.all(np.isfinite(load)) or np.any(load < 0.0):
        raise FlexibleLoadInputError("load_kw must be finite and >= 0")
    if not np.all(np.isfinite(prices)):
        raise FlexibleLoadInputError("price must be finite")
    if prices.ndim == 0 or prices.shape[0] != load.shape[0] or prices.ndim > load.ndim:
        raise FlexibleLoadInputError(
            f"price must have shape ({load.shape[0]},) or {load.shape}, got {prices.shape}"
        )
    if prices.ndim == 2 and prices.shape != load.shape:
        raise FlexibleLoadInputError(f"price must have shape {load.shape}, got {prices.shape}")
    if isinstance(steps_per_day, bool) or not isinstance(steps_per_day, (int, np.integer)):
        raise FlexibleLoadInputError(f"steps_per_day must be an integer, got {steps_per_day!r}")
    if steps_per_day < 1 or load.shape[0] % steps_per_day != 0:
        raise FlexibleLoadInputError(
            f"steps_per_day must be >= 1 and divide the series length {load.shape[0]}, "
            f"got {steps_per_day!r}"
        )
    if not 0.0 <= flexible_frac <= 1.0:
        raise FlexibleLoadInputError(f"flexible_frac must be in [0, 1], got {flexible_frac!r}")
    if not (np.isfinite(max_increase_frac) and max_increase_frac >= 0.0):
        raise FlexibleLoadInputError(
            f"max_increase_frac must be finite and >= 0, got {max_increase_frac!r}"
        )

    n_steps = load.shape[0]
    n_days = n_steps // steps_per_day
    n_firms = load.shape[1] if load.ndim == 2 else 1
    daily_load = load.reshape(n_days, steps_per_day, n_firms)  # (D, S, F)
    daily_price = np.broadcast_to(
        prices.reshape(n_days, steps_per_day, n_firms if prices.ndim == 2 else 1), daily_load.shape
    )  # (D, S, F)
    mean_price = daily_price.mean(axis=1, keepdims=True)
    high = daily_price > mean_price
    low = daily_price < mean_price

    shiftable = flexible_frac * np.where(high, daily_load, 0.0)
    requested = shiftable.sum(axis=1, keepdims=True)  # (D, 1, F)
    room = np.where(low, max_increase_frac * daily_load, 0.0)

    order = np.argsort(daily_price, axis=1, kind="stable")  # cheapest first
    room_sorted = np.take_along_axis(room, order, axis=1)
    room_before = np.cumsum(room_sorted, axis=1) - room_sorted
    added_sorted = np.clip(requested - room_before, 0.0, room_sorted)
    added = np.empty_like(added_sorted)
    np.put_along_axis(added, order, added_sorted, axis=1)

    placed = added.sum(axis=1, keepdims=True)
    moved_share = np.divide(placed, requested, out=np.zeros_like(placed), where=requested > 0.0)
    shifted = daily_load - shiftable * moved_share + added
    return shifted.reshape(load.shape)
