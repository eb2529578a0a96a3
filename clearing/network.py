"""Directed transfer arcs between zones, derived from a market specification.

An ``Interconnector(a, b, capacity, fee)`` gives an arc ``a -> b`` and, unless a separate
``Interconnector(b, a, ...)`` exists, the reverse arc ``b -> a`` with the same capacity and fee.
Capacity applies per period and per product.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearing.types import MarketSpec


@dataclass(frozen=True, slots=True)
class Arc:
    """One direction of an interconnector: capacity per period (quantity units), fee per unit."""

    from_zone: str
    to_zone: str
    capacity: float
    wheeling_fee: float


def directed_arcs(spec: MarketSpec) -> tuple[Arc, ...]:
    """All usable directed arcs of a (validated) specification, in a stable order."""
    given = {(ic.from_zone, ic.to_zone) for ic in spec.interconnectors}
    arcs: list[Arc] = []
    for ic in spec.interconnectors:
        arcs.append(Arc(ic.from_zone, ic.to_zone, float(ic.capacity), float(ic.wheeling_fee)))
        if (ic.to_zone, ic.from_zone) not in given:
            arcs.append(Arc(ic.to_zone, ic.from_zone, float(ic.capacity), float(ic.wheeling_fee)))
    return tuple(arcs)
