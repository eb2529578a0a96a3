"""Tests of the double-entry money ledger."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from market.ledgers import CATEGORIES, LedgerError, LedgerInvariantError, MoneyLedger


def test_layout_numbers_firms_parks_then_institutions() -> None:
    ledger = MoneyLedger(n_firms=3, n_parks=2)
    lay = ledger.layout
    np.testing.assert_array_equal(lay.park_operator([0, 1]), [3, 4])
    assert (lay.market_operator, lay.treasury, lay.grid_company) == (5, 6, 7)
    assert lay.names()[3] == "park_0" and lay.names()[-1] == "grid_company"


def test_hand_example_cost_breakdown() -> None:
    # firm 0 pays 100 energy + 15 green premium to the grid, buys rights for 40 from firm 1,
    # pays a 25 penalty to the treasury; firm 1 gets 10 recycling from the treasury.
    ledger = MoneyLedger(n_firms=2, n_parks=1)
    lay = ledger.layout
    ledger.post(0, lay.grid_company, 100.0, "energy")
    ledger.post(0, lay.grid_company, 15.0, "green_premium")
    ledger.post(0, 1, 40.0, "rights_purchase", payee_category="rights_sale")
    ledger.post(0, lay.treasury, 25.0, "penalty")
    ledger.post(lay.treasury, 1, 10.0, "recycling")
    assert ledger.balance(0) == pytest.approx(-180.0)
    assert ledger.balance(1) == pytest.approx(50.0)
    assert ledger.balance(lay.treasury) == pytest.approx(15.0)
    firm0 = ledger.by_category(0)
    assert firm0["energy"] == -100.0 and firm0["rights_purchase"] == -40.0
    assert firm0["penalty"] == -25.0 and firm0["rights_sale"] == 0.0
    assert ledger.by_category(1)["rights_sale"] == 40.0
    assert ledger.n_postings == 5
    ledger.check_conservation()


def test_vectorised_postings_with_one_payee() -> None:
    ledger = MoneyLedger(n_firms=4, n_parks=0)
    grid = ledger.layout.grid_company
    ledger.post(ledger.layout.firm(np.arange(4)), grid, [1.0, 2.0, 3.0, 4.0], "demand_charge")
    assert ledger.balance(grid) == pytest.approx(10.0)
    assert ledger.category_matrix_cny()[:, CATEGORIES.index("demand_charge")].sum() == 0.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 1, -5.0, "energy"), r"post: amount_cny\[0\] = -5.0 CNY is not allowed"),
        ((0, 1, math.nan, "energy"), r"amount_cny\[0\] = nan"),
        ((0, 99, 1.0, "energy"), r"post: unknown payee 99; allowed 0 to 5"),
        ((0, 0, 1.0, "energy"), r"entry 0 has account 0 paying itself"),
        ((0, 1, 1.0, "bribe"), r"category 'bribe' not allowed"),
        (([0, 1], [2, 3, 4], 1.0, "fuel"), r"2 payers but 3 payees"),
    ],
)
def test_rejected_posting_changes_nothing(args, message) -> None:  # type: ignore[no-untyped-def]
    ledger = MoneyLedger(n_firms=2, n_parks=1)
    ledger.post(0, 1, 7.0, "energy")
    before = (ledger.balances(), ledger.category_matrix_cny(), ledger.n_postings)
    with pytest.raises(LedgerError, match=message):
        ledger.post(*args)
    np.testing.assert_array_equal(ledger.balances(), before[0])
    np.testing.assert_array_equal(ledger.category_matrix_cny(), before[1])
    assert ledger.n_postings == before[2]


def test_conservation_check_detects_created_money() -> None:
    ledger = MoneyLedger(n_firms=2, n_parks=0)
    ledger.post(0, 1, 5.0, "energy")
    ledger._balance[0] += 1.0
    with pytest.raises(LedgerInvariantError, match="sum to"):
        ledger.check_conservation()


postings = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.integers(0, 6),
        st.floats(0.0, 1e9),
        st.sampled_from(CATEGORIES),
        st.sampled_from(CATEGORIES),
    ),
    max_size=40,
)


@settings(max_examples=100, deadline=None)
@given(postings)
def test_random_postings_conserve_money(entries: list[tuple[int, int, float, str, str]]) -> None:
    ledger = MoneyLedger(n_firms=3, n_parks=1)
    for payer, payee, amount, cat_out, cat_in in entries:
        if payer == payee:
            with pytest.raises(LedgerError):
                ledger.post(payer, payee, amount, cat_out, cat_in)
        else:
            ledger.post(payer, payee, amount, cat_out, cat_in)
        ledger.check_conservation()
    total_rows = ledger.category_matrix_cny().sum(axis=1)
    np.testing.assert_allclose(
        total_rows, ledger.balances(), atol=1e-9 * max(1.0, ledger.gross_cny)
    )
