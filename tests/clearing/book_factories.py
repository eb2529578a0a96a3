"""Builders of order books shared by the clearing tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st

from clearing import Order, Side


def buy(oid: str, quantity: float, price: float, **fields: object) -> Order:
    """A bid with ``agent`` defaulting to the id."""
    agent = str(fields.pop("agent", oid))
    return Order(oid, agent, Side.BUY, quantity, price, **fields)


def sell(oid: str, quantity: float, price: float, **fields: object) -> Order:
    """An offer with ``agent`` defaulting to the id."""
    agent = str(fields.pop("agent", oid))
    return Order(oid, agent, Side.SELL, quantity, price, **fields)


def unit_book(values: Sequence[float], costs: Sequence[float]) -> list[Order]:
    """One-unit bids at ``values`` and one-unit offers at ``costs``."""
    return [buy(f"b{k:02d}", 1.0, v) for k, v in enumerate(values)] + [
        sell(f"s{k:02d}", 1.0, c) for k, c in enumerate(costs)
    ]


def random_book(
    rng: np.random.Generator,
    n_orders: int,
    *,
    zones: Sequence[str] = ("default",),
    periods: int = 1,
    price_levels: int = 20,
    block_share: float = 0.0,
) -> list[Order]:
    """A random book with integer-ish prices (so ties and degenerate books are frequent)."""
    orders: list[Order] = []
    for k in range(n_orders):
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        price = float(rng.integers(1, price_levels + 1)) * 5.0
        quantity = float(rng.integers(1, 20))
        zone = str(zones[int(rng.integers(len(zones)))])
        period = int(rng.integers(periods))
        orders.append(
            Order(f"o{k:05d}", f"a{k % 7}", side, quantity, price, period=period, zone=zone,
                  sequence=int(rng.integers(0, 3)))
        )
    if block_share > 0.0:
        n_blocks = max(1, int(block_share * n_orders / 2))
        for b in range(n_blocks):
            side = Side.SELL if b % 2 == 0 else Side.BUY
            price = float(rng.integers(1, price_levels + 1)) * 5.0
            for t in range(min(2, periods) or 1):
                orders.append(
                    Order(f"blk{b}-{t}", f"blockowner{b}", side, float(rng.integers(1, 10)),
                          price, period=t, zone=str(zones[0]), block=f"B{b}")
                )
    return orders


@st.composite
def divisible_books(draw: st.DrawFn, max_orders: int = 14) -> list[Order]:
    """Hypothesis strategy: one-cell divisible books with tie-prone prices and quantities."""
    n = draw(st.integers(0, max_orders))
    orders = []
    for k in range(n):
        side = draw(st.sampled_from([Side.BUY, Side.SELL]))
        price = draw(st.integers(0, 12)) * 2.5
        quantity = draw(
            st.one_of(st.integers(1, 6).map(float), st.floats(0.1, 10.0, allow_nan=False))
        )
        sequence = draw(st.integers(0, 3))
        orders.append(Order(f"o{k:02d}", f"a{k}", side, quantity, price, sequence=sequence))
    return orders
