"""Which days of a month are simulated when a few days stand for it, and their weights (pure).

Days fall into three types with different production: Monday to Friday, Saturday and Sunday
(``two_shift`` plants work on Saturdays, ``one_shift`` plants do not). With ``k`` days a month:

- ``k >= 3``: the month's middle Saturday and middle Sunday, and ``k − 2`` weekdays evenly spaced
  among its weekdays (the ``floor((j + 0.5) × n / (k − 2))``-th weekday for ``j < k − 2``);
- ``k = 2``: the middle weekday and the middle Saturday, which also stands for the Sundays;
- ``k = 1``: the middle weekday, standing for every day.

Each chosen day weighs ``(days of its type in the month) / (chosen days of that type)``, so the
weights add up to the month's days and, for ``k >= 3``, to each type's days: whatever depends on
the hour and the day type (production, value added, process electricity) sums to the full
month exactly. Weather still varies from day to day, so weather-driven figures (PV, heating)
are estimates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

#: Day types: 0 Monday-Friday, 1 Saturday, 2 Sunday.
WEEKDAY, SATURDAY, SUNDAY = 0, 1, 2


def day_type(day: dt.date) -> int:
    """0 for Monday to Friday, 1 for Saturday, 2 for Sunday."""
    weekday = day.weekday()
    if weekday == 5:
        return SATURDAY
    if weekday == 6:
        return SUNDAY
    return WEEKDAY


def _middle(days: list[dt.date]) -> dt.date:
    return days[(len(days) - 1) // 2]


@lru_cache(maxsize=4096)
def representative_days(year: int, month: int, k: int) -> tuple[tuple[dt.date, float], ...]:
    """The simulated days of a month and each one's weight [days it stands for], by date.

    Parameters
    ----------
    year, month
        The calendar month.
    k
        Days simulated per month, ``>= 1``.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k!r}")
    n_days = calendar.monthrange(year, month)[1]
    days = [dt.date(year, month, d) for d in range(1, n_days + 1)]
    by_type = {t: [d for d in days if day_type(d) == t] for t in (WEEKDAY, SATURDAY, SUNDAY)}
    weekdays = by_type[WEEKDAY]
    if k == 1:
        return ((_middle(weekdays), float(n_days)),)
    if k == 2:
        weekend = len(by_type[SATURDAY]) + len(by_type[SUNDAY])
        return tuple(
            sorted(
                ((_middle(weekdays), float(len(weekdays))),
                 (_middle(by_type[SATURDAY]), float(weekend)))
            )
        )  # fmt: skip
    n = k - 2
    picked = sorted({weekdays[int((j + 0.5) * len(weekdays) / n)] for j in range(n)})
    chosen = [(d, len(weekdays) / len(picked)) for d in picked]
    for kind in (SATURDAY, SUNDAY):
        chosen.append((_middle(by_type[kind]), float(len(by_type[kind]))))
    return tuple(sorted(chosen))


def is_representative_day(day: dt.date, k: int) -> bool:
    """Whether ``day`` is simulated when ``k`` days stand for each month."""
    return any(d == day for d, _ in representative_days(day.year, day.month, k))
