"""Published textbook markets with known competitive equilibria."""

from __future__ import annotations

import pytest

from clearing import Interconnector, MarketSpec, Order, clear
from tests.clearing.book_factories import buy, sell, unit_book

# Smith (1962), "An Experimental Study of Competitive Market Behavior", J. Political Economy
# 70(2), Chart 1: 11 buyers and 11 sellers with one unit each; values 3.25 down to 0.75 and
# costs 0.75 up to 3.25 in steps of 0.25. Competitive equilibrium: price 2.00, quantity 6,
# maximum surplus 7.50.
SMITH_VALUES = [3.25 - 0.25 * k for k in range(11)]
SMITH_COSTS = [0.75 + 0.25 * k for k in range(11)]


@pytest.mark.parametrize("solver", ["fast", "highs", "cbc"])
def test_smith_1962_chart_1_equilibrium(solver: str) -> None:
    result = clear(unit_book(SMITH_VALUES, SMITH_COSTS), solver=solver)
    assert result.price == pytest.approx(2.00, abs=1e-9)
    assert result.volume == pytest.approx(6.0, abs=1e-9)
    assert result.welfare == pytest.approx(7.50, abs=1e-9)
    # The six highest values and six lowest costs trade.
    traded = {oid for oid, q in result.accepted.items() if q > 0}
    assert traded == {f"b{k:02d}" for k in range(6)} | {f"s{k:02d}" for k in range(6)}


def _borduria_syldavia(capacity: float) -> tuple[list[Order], MarketSpec]:
    """Kirschen & Strbac (2004), Fundamentals of Power System Economics, sec. 6.2: two zones.

    Supply curves: Borduria 10 + 0.01 P [$/MWh], Syldavia 13 + 0.02 P; inelastic loads of
    500 MW (Borduria) and 1500 MW (Syldavia). The curves are offered as 1 MW steps priced at
    the marginal cost at the end of each step; loads bid at 1000 $/MWh.
    """
    steps = range(2000)
    orders = [sell(f"gb{k:04d}", 1.0, round(10 + 0.01 * (k + 1), 6), zone="B") for k in steps]
    orders += [sell(f"gs{k:04d}", 1.0, round(13 + 0.02 * (k + 1), 6), zone="S") for k in steps]
    orders += [buy("loadB", 500.0, 1000.0, zone="B"), buy("loadS", 1500.0, 1000.0, zone="S")]
    spec = MarketSpec(price_cap=1000.0, zones=("B", "S"),
                      interconnectors=(Interconnector("B", "S", capacity),))
    return orders, spec


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_borduria_syldavia_unconstrained(solver: str) -> None:
    # Equal marginal costs: 10 + 0.01 PB = 13 + 0.02 PS with PB + PS = 2000 gives
    # PB = 1433.3 MW, PS = 566.7 MW, price 24.33 $/MWh, flow 933.3 MW.
    orders, spec = _borduria_syldavia(capacity=2000.0)
    result = clear(orders, spec, solver=solver)
    assert result.price_of("B") == pytest.approx(24.33, abs=0.011)
    assert result.price_of("S") == pytest.approx(result.price_of("B"), abs=1e-9)
    assert result.flows[("B", "S", 0)] == pytest.approx(933.3, abs=1.0)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_borduria_syldavia_congested(solver: str) -> None:
    # With a 400 MW limit: PB = 900 MW -> 19.00 $/MWh, PS = 1100 MW -> 35.00 $/MWh; congestion
    # surplus (35 - 19) * 400 = 6400 $/h. Step curves leave a half-step interval around each.
    orders, spec = _borduria_syldavia(capacity=400.0)
    result = clear(orders, spec, solver=solver)
    assert result.price_of("B") == pytest.approx(19.00, abs=0.006)
    assert result.price_of("S") == pytest.approx(35.00, abs=0.011)
    assert result.flows[("B", "S", 0)] == pytest.approx(400.0, abs=1e-6)
    rent = (result.price_of("S") - result.price_of("B")) * 400.0
    assert rent == pytest.approx(6400.0, abs=10.0)
    generated_b = sum(q for oid, q in result.accepted.items() if oid.startswith("gb"))
    assert generated_b == pytest.approx(900.0, abs=1e-6)
