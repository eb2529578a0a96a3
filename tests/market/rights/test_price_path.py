"""The perfect-foresight price path: Hotelling while the bank is positive, breaks where it
empties, the penalty as a ceiling; checked against closed-form answers."""

from __future__ import annotations

import numpy as np
import pytest

from agents.abatement import abatement_options, linear_mac_options
from market.rights.price_path import (
    PricePathError,
    abatement_by_slot_at_price,
    foresight_price_path,
)

SLOPE = 2.0  # aggregate MAC(q) = 2 q  [CNY/tce per tce]
STEPS = 4000
MAX_Q = 400.0


def linear_mac() -> object:
    """One firm with MAC(q) = SLOPE * q on [0, MAX_Q], finely stepped."""
    return linear_mac_options([SLOPE], [MAX_Q], STEPS)


def test_two_period_hotelling_matches_the_closed_form() -> None:
    # Use 1000 tce a year; 1000 rights in year 1 and 900 in year 2: 100 tce must be abated.
    # Hotelling: p2 = p1 (1 + r), q_t = p_t / SLOPE, q1 + q2 = 100
    # => p1 = SLOPE * 100 / (2 + r), and the bank after year 1 is q1 > 0.
    r = 0.05
    path = foresight_price_path([1000.0, 900.0], [1000.0, 1000.0], [linear_mac()] * 2, 1e4, r)
    p1 = SLOPE * 100.0 / (2.0 + r)
    step = SLOPE * MAX_Q / STEPS
    assert path.price_cny_per_tce[0] == pytest.approx(p1, abs=step)
    assert path.price_cny_per_tce[1] == pytest.approx(path.price_cny_per_tce[0] * (1 + r))
    assert path.abatement_tce.sum() == pytest.approx(100.0, rel=1e-9)
    assert path.abatement_tce[0] == pytest.approx(p1 / SLOPE, abs=2 * MAX_Q / STEPS)
    assert path.bank_tce[0] == pytest.approx(path.abatement_tce[0], rel=1e-9)
    assert path.bank_tce[1] == pytest.approx(0.0, abs=1e-9)
    assert path.shortfall_tce.sum() == 0.0


def test_the_path_breaks_where_the_bank_empties() -> None:
    # Year 1 is short by 100, year 2 has 50 to spare: rights cannot be borrowed from year 2,
    # so year 1 abates 100 on its own and year 2's surplus leaves its price at 0.
    path = foresight_price_path([900.0, 1050.0], [1000.0, 1000.0], [linear_mac()] * 2, 1e4, 0.05)
    assert path.price_cny_per_tce[0] == pytest.approx(SLOPE * 100.0, abs=SLOPE * MAX_Q / STEPS)
    assert path.bank_tce[0] == pytest.approx(0.0, abs=1e-9)
    assert path.price_cny_per_tce[1] == 0.0
    assert path.bank_tce[1] == pytest.approx(50.0)


def test_discounted_price_is_constant_while_the_bank_is_positive_and_falls_at_a_break() -> None:
    rng = np.random.default_rng(3)
    n = 6
    r = 0.08
    opts = [
        abatement_options(rng.uniform(5, 40, (5, 4)), rng.uniform(-50, 900, (5, 4)))
        for _ in range(n)
    ]
    use = rng.uniform(400, 600, n)
    supply = use * rng.uniform(0.75, 1.1, n)
    path = foresight_price_path(supply, use, opts, 3000.0, r)
    discounted = path.price_cny_per_tce / (1 + r) ** np.arange(n)
    for t in range(n - 1):
        if path.bank_tce[t] > 1e-6:
            assert discounted[t + 1] == pytest.approx(discounted[t], rel=1e-9)
        else:
            assert discounted[t + 1] <= discounted[t] * (1 + 1e-9)
    assert np.all(path.bank_tce >= 0.0)
    # Rights balance: bank_t = bank_{t-1} + supply - use + abatement + shortfall.
    flow = supply - use + path.abatement_tce + path.shortfall_tce
    np.testing.assert_allclose(path.bank_tce, np.cumsum(flow), atol=1e-6)
    # The last year ends with an empty bank unless rights are free then.
    assert path.bank_tce[-1] < 1e-6 or path.price_cny_per_tce[-1] == 0.0


def test_penalty_caps_the_price_and_the_rest_is_left_short() -> None:
    # 500 tce short, only 400 tce of abatement up to 800 CNY/tce: the price is the penalty.
    path = foresight_price_path([500.0], [1000.0], [linear_mac()], 1000.0, 0.05)
    assert path.price_cny_per_tce[0] == 1000.0
    assert path.abatement_tce[0] == pytest.approx(MAX_Q)
    assert path.shortfall_tce[0] == pytest.approx(100.0)


def test_without_banking_each_year_clears_on_its_own() -> None:
    path = foresight_price_path(
        [1100.0, 900.0], [1000.0, 1000.0], [linear_mac()] * 2, 1e4, 0.05, banking=False
    )
    assert path.price_cny_per_tce[0] == 0.0
    assert path.price_cny_per_tce[1] == pytest.approx(SLOPE * 100.0, abs=SLOPE * MAX_Q / STEPS)


def test_marginal_option_is_shared_so_the_bank_ends_empty() -> None:
    # One option of 100 tce at 300 CNY/tce; 40 tce are needed: the price is 300 and 40 % of it
    # is used.
    opts = abatement_options([[100.0]], [[300.0]])
    path = foresight_price_path([960.0], [1000.0], [opts], 3000.0, 0.0)
    assert path.price_cny_per_tce[0] == 300.0
    assert path.marginal_share[0] == pytest.approx(0.4)
    by_slot = abatement_by_slot_at_price(opts, 300.0, path.marginal_share[0])
    assert by_slot.sum() == pytest.approx(40.0)


def test_bad_inputs_name_the_field() -> None:
    with pytest.raises(PricePathError, match="use_tce"):
        foresight_price_path([1.0], [-1.0], [linear_mac()], 10.0, 0.05)
    with pytest.raises(PricePathError, match="discount_rate"):
        foresight_price_path([1.0], [1.0], [linear_mac()], 10.0, float("nan"))
    with pytest.raises(PricePathError, match="supply_tce"):
        foresight_price_path([1.0, 2.0], [1.0], [linear_mac()], 10.0, 0.05)


def test_a_path_solved_again_without_news_keeps_its_prices() -> None:
    # Two steps: 50 tce at 100 and 50 tce at 500 CNY/tce; 50 tce are needed in each year. Year
    # 1 alone could clear anywhere in [100, 500); with the hint of an earlier solution it keeps
    # that price.
    opts = abatement_options([[50.0, 50.0]], [[100.0, 500.0]])
    alone = foresight_price_path([950.0], [1000.0], [opts], 3000.0, 0.05)
    assert alone.price_cny_per_tce[0] == 100.0
    kept = foresight_price_path(
        [950.0], [1000.0], [opts], 3000.0, 0.05, price_hint_cny_per_tce=300.0
    )
    assert kept.price_cny_per_tce[0] == 300.0
    assert kept.abatement_tce[0] == alone.abatement_tce[0]
    # A hint that would change the quantities is not taken.
    moved = foresight_price_path(
        [950.0], [1000.0], [opts], 3000.0, 0.05, price_hint_cny_per_tce=600.0
    )
    assert moved.price_cny_per_tce[0] == 100.0


def test_options_costing_nothing_are_done_only_as_far_as_rights_are_short() -> None:
    # 30 tce of profitable retrofits (-100 CNY/tce); no shortage: nothing is abated. A 20 tce
    # shortage is covered by two thirds of them and rights stay free.
    opts = abatement_options([[30.0, 50.0]], [[-100.0, 400.0]])
    none = foresight_price_path([1000.0], [1000.0], [opts], 3000.0, 0.05)
    assert none.price_cny_per_tce[0] == 0.0 and none.abatement_tce[0] == 0.0
    some = foresight_price_path([980.0], [1000.0], [opts], 3000.0, 0.05)
    assert some.price_cny_per_tce[0] == 0.0
    assert some.abatement_tce[0] == pytest.approx(20.0)
    by_slot = abatement_by_slot_at_price(opts, 0.0, some.marginal_share[0])
    assert by_slot.sum() == pytest.approx(20.0)
