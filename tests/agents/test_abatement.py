"""Abatement options and MAC curves: hand examples and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from agents.abatement import (
    PADDING_KIND,
    AbatementInputError,
    OptionKind,
    abatement_at_price,
    abatement_options,
    cost_of_abatement,
    curtailment_option,
    green_power_option,
    heat_electrification_option,
    least_cost_abatement,
    linear_mac_least_cost,
    linear_mac_options,
    mac_at,
    mac_curve,
    marginal_value_of_rights,
    retrofit_option,
    stack_options,
)


@pytest.fixture
def two_firms():
    """Firm 0: 20 tce @ 50, 10 @ 100, 5 @ 300 (given unsorted). Firm 1: 8 tce @ 200."""
    return abatement_options(
        [[10.0, 20.0, 5.0], [0.0, 8.0, 0.0]],
        [[100.0, 50.0, 300.0], [np.nan, 200.0, np.inf]],
    )


def test_options_are_sorted_and_padded(two_firms):
    np.testing.assert_array_equal(two_firms.capacity_tce, [[20, 10, 5], [8, 0, 0]])
    np.testing.assert_array_equal(
        two_firms.cost_cny_per_tce, [[50, 100, 300], [200, np.inf, np.inf]]
    )
    assert two_firms.kind[1, 1] == PADDING_KIND
    assert not two_firms.capacity_tce.flags.writeable


def test_mac_curve_hand_example(two_firms):
    cum, cost = mac_curve(two_firms)
    np.testing.assert_array_equal(cum, [[20, 30, 35], [8, 8, 8]])
    np.testing.assert_array_equal(cost, [[50, 100, 300], [200, np.inf, np.inf]])


def test_abatement_at_price_hand_example(two_firms):
    np.testing.assert_array_equal(abatement_at_price(49.0, two_firms), [0, 0])
    np.testing.assert_array_equal(abatement_at_price(100.0, two_firms), [30, 0])
    np.testing.assert_array_equal(abatement_at_price([300.0, 200.0], two_firms), [35, 8])


def test_cost_of_abatement_hand_example(two_firms):
    np.testing.assert_allclose(cost_of_abatement([25.0, 4.0], two_firms), [1500.0, 800.0])
    assert cost_of_abatement([36.0, 0.0], two_firms)[0] == np.inf


def test_mac_at_hand_example(two_firms):
    np.testing.assert_array_equal(mac_at(0.0, two_firms), [50, 200])
    np.testing.assert_array_equal(mac_at([20.0, 8.0], two_firms), [50, 200])
    np.testing.assert_array_equal(mac_at([21.0, 9.0], two_firms), [100, np.inf])


def test_least_cost_abatement_hand_example(two_firms):
    # Pooled merit order: 20@50 (f0), 10@100 (f0), 8@200 (f1), 5@300 (f0); 35 tce needs 5 of f1.
    result = least_cost_abatement(35.0, two_firms)
    np.testing.assert_allclose(result.abatement_tce, [30.0, 5.0])
    assert result.marginal_cost_cny_per_tce == 200.0
    assert result.total_cost_cny == pytest.approx(20 * 50 + 10 * 100 + 5 * 200)


def test_least_cost_abatement_rejects_too_much(two_firms):
    with pytest.raises(AbatementInputError, match="total_tce"):
        least_cost_abatement(44.0, two_firms)


def test_marginal_value_of_rights_hand_example(two_firms):
    # Firm 0 short 25 -> MAC(25) = 100; firm 1 short 10 > capacity 8 -> penalty 250.
    np.testing.assert_array_equal(
        marginal_value_of_rights([-25.0, -10.0], two_firms, 250.0), [100.0, 250.0]
    )
    # MAC above the penalty is capped by it.
    assert marginal_value_of_rights([-32.0, 0.0], two_firms, 250.0)[0] == 250.0
    # Long firms: the reservation price of a surplus right.
    np.testing.assert_array_equal(
        marginal_value_of_rights([5.0, 0.0], two_firms, 250.0, surplus_value_cny_per_tce=30.0),
        [30.0, 30.0],
    )


def test_curtailment_option_hand_example():
    opt = curtailment_option([1000.0], [500.0], [0.25])
    assert opt.capacity_tce[0, 0] == pytest.approx(250.0)
    assert opt.cost_cny_per_tce[0, 0] == pytest.approx(2000.0)
    assert opt.kind[0, 0] == OptionKind.CURTAIL_OUTPUT


def test_heat_pump_option_hand_example():
    opt = heat_electrification_option(
        heat_kwh_th_per_yr=[1e6],
        boiler_efficiency=[0.8],
        fuel_price_cny_per_kwh=[0.05],
        cop=[3.0],
        electricity_price_cny_per_kwh=[0.6],
        electricity_kgce_per_kwh=[0.1229],
    )
    saved = 1e6 * (0.1229 / 0.8 - 0.1229 / 3.0) / 1000.0
    assert opt.capacity_tce[0, 0] == pytest.approx(saved)
    assert opt.cost_cny_per_tce[0, 0] == pytest.approx(1e6 * (0.6 / 3 - 0.05 / 0.8) / saved)


def test_electric_boiler_saves_nothing_under_thermal_equivalent_accounting():
    opt = heat_electrification_option(
        [1e6], [0.8], [0.05], [0.99], [0.6], [0.30], kind=OptionKind.ELECTRIC_BOILER
    )
    assert opt.capacity_tce[0, 0] == 0.0
    assert opt.cost_cny_per_tce[0, 0] == np.inf


def test_green_power_option_depends_on_renewable_exclusion():
    on = green_power_option([1000.0], [40.0], [0.1229], renewable_exclusion=True)
    off = green_power_option([1000.0], [40.0], [0.1229], renewable_exclusion=False)
    assert on.capacity_tce[0, 0] == pytest.approx(122.9)
    assert on.cost_cny_per_tce[0, 0] == pytest.approx(40.0 / 0.1229)
    assert off.capacity_tce[0, 0] == 0.0


def test_stack_options_sorts_across_kinds():
    opts = stack_options(
        curtailment_option([100.0], [500.0], [0.5]),  # 50 tce @ 1000
        retrofit_option([20.0], [-2000.0]),  # 20 tce @ -100
    )
    np.testing.assert_array_equal(opts.cost_cny_per_tce, [[-100.0, 1000.0]])
    np.testing.assert_array_equal(
        opts.kind, [[OptionKind.EFFICIENCY_RETROFIT, OptionKind.CURTAIL_OUTPUT]]
    )


@pytest.mark.parametrize(
    ("capacity", "cost", "field"),
    [
        ([[-1.0]], [[10.0]], "capacity_tce"),
        ([[np.nan]], [[10.0]], "capacity_tce"),
        ([[1.0]], [[np.nan]], "cost_cny_per_tce"),
        ([[1.0, 2.0]], [[10.0]], "cost_cny_per_tce"),
        ([1.0, 2.0], [10.0, 20.0], "capacity_tce"),
    ],
)
def test_bad_options_raise_named_error(capacity, cost, field):
    with pytest.raises(AbatementInputError, match=field):
        abatement_options(capacity, cost)


def test_bad_function_inputs_raise_named_errors(two_firms):
    with pytest.raises(AbatementInputError, match="price_cny_per_tce"):
        abatement_at_price(np.nan, two_firms)
    with pytest.raises(AbatementInputError, match="amount_tce"):
        cost_of_abatement([-1.0, 0.0], two_firms)
    with pytest.raises(AbatementInputError, match="penalty_cny_per_tce"):
        marginal_value_of_rights([0.0, 0.0], two_firms, -1.0)
    with pytest.raises(AbatementInputError, match="n_steps"):
        linear_mac_options([1.0], [1.0], 0)


def test_linear_mac_textbook_split():
    price, q = linear_mac_least_cost([2.0, 4.0, 5.0, 10.0], 300.0)
    assert price == pytest.approx(300.0 / 1.05)
    np.testing.assert_allclose(q, price / np.array([2.0, 4.0, 5.0, 10.0]))


def test_linear_mac_steps_integrate_exactly():
    # Whole segments of a linear MAC: the midpoint rule gives a*q^2/2 exactly.
    opts = linear_mac_options([3.0], [10.0], 5)
    assert cost_of_abatement(10.0, opts)[0] == pytest.approx(3.0 * 10.0**2 / 2)


@st.composite
def option_sets(draw):
    n_firms = draw(st.integers(1, 4))
    n_slots = draw(st.integers(1, 4))
    cap = draw(arrays(np.float64, (n_firms, n_slots), elements=st.floats(0.0, 100.0)))
    cost = draw(arrays(np.float64, (n_firms, n_slots), elements=st.floats(-100.0, 1000.0)))
    return abatement_options(cap, cost)


@settings(max_examples=80, deadline=None)
@given(option_sets(), st.floats(-200.0, 1200.0), st.floats(0.0, 500.0))
def test_abatement_is_monotone_in_price(options, price, increase):
    low = abatement_at_price(price, options)
    high = abatement_at_price(price + increase, options)
    assert (high >= low).all()


@settings(max_examples=80, deadline=None)
@given(option_sets(), st.floats(0.0, 1.0))
def test_least_cost_split_equalises_marginal_costs(options, share):
    total = share * float(options.total_capacity_tce.sum())
    result = least_cost_abatement(total, options)
    q = result.abatement_tce
    p = result.marginal_cost_cny_per_tce
    assert q.sum() == pytest.approx(total, abs=1e-9)
    cum = np.cumsum(options.capacity_tce, axis=1)
    tol = 1e-9 * (1.0 + cum[:, -1])
    # Firms that abate use no unit dearer than the marginal cost ...
    last_mac = mac_at(q, options)
    assert (last_mac[q > tol] <= p).all()
    # ... and firms with capacity left have no unit cheaper than it.
    next_index = (cum <= (q + tol)[:, None]).sum(axis=1)
    has_room = next_index < options.n_slots
    next_mac = options.cost_cny_per_tce[has_room, next_index[has_room]]
    assert (next_mac >= p).all()
    # And no other split of the same total is cheaper, e.g. proportional to capacity.
    if total > 0:
        proportional = options.total_capacity_tce * share
        assert result.total_cost_cny <= cost_of_abatement(proportional, options).sum() + 1e-6
