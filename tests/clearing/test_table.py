"""An order book as columns (``OrderTable``) clears exactly like the same list of ``Order``."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearing import (
    ClearingInputError,
    ClearingResult,
    Interconnector,
    MarketSpec,
    Order,
    OrderTable,
    PricingRule,
    Side,
    clear,
)
from clearing.table_validation import validate_table
from tests.clearing.book_factories import buy, divisible_books, random_book, sell
from tests.clearing.test_fast_path import ODD_CASES, book_with_odd_value

TWO_PARKS = MarketSpec(
    zones=("a", "b"), interconnectors=(Interconnector("a", "b", 6.0, 2.0),)
)


def _assert_same(a: ClearingResult, b: ClearingResult) -> None:
    """Identical in every figure, prices bit for bit (nan where both are nan)."""
    assert (a.status, a.solver, a.volume, a.welfare) == (b.status, b.solver, b.volume, b.welfare)
    assert list(a.prices) == list(b.prices)
    np.testing.assert_array_equal(list(a.prices.values()), list(b.prices.values()))
    assert dict(a.price_intervals) == dict(b.price_intervals)
    assert list(a.accepted.items()) == list(b.accepted.items())
    assert list(a.payments.items()) == list(b.payments.items())
    assert dict(a.flows) == dict(b.flows)
    assert a.paradoxically_accepted_blocks == b.paradoxically_accepted_blocks
    assert a.paradoxically_rejected_blocks == b.paradoxically_rejected_blocks


@settings(max_examples=150, deadline=None)
@given(divisible_books(max_orders=30), st.sampled_from(list(PricingRule)))
def test_divisible_books_clear_alike_on_the_fast_path(
    orders: list[Order], rule: PricingRule
) -> None:
    spec = MarketSpec(rule=rule)
    _assert_same(clear(orders, spec), clear(OrderTable.from_orders(orders), spec))


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize(
    ("zones", "periods", "block_share"),
    [(("default",), 1, 0.0), (("default",), 3, 0.3), (("a", "b"), 2, 0.0), (("a", "b"), 2, 0.3)],
)
def test_books_clear_alike_through_the_lp(
    solver: str, zones: tuple[str, ...], periods: int, block_share: float
) -> None:
    spec = TWO_PARKS if len(zones) > 1 else MarketSpec()
    rng = np.random.default_rng(len(zones) * 10 + periods)
    for _ in range(3):
        orders = random_book(rng, 24, zones=zones, periods=periods, block_share=block_share)
        table = OrderTable.from_orders(orders)
        _assert_same(clear(orders, spec, solver), clear(table, spec, solver))


def test_columns_given_per_row_or_once_clear_alike() -> None:
    table = OrderTable(
        id=("b1", "b2", "s1", "s2"), is_buy=[True, True, False, False],
        quantity=[4.0, 2.0, 3.0, 5.0], price=[50.0, 42.0, 30.0, 45.0], agent="firm",
    )
    per_row = OrderTable(
        id=np.array(["b1", "b2", "s1", "s2"]), is_buy=np.array([True, True, False, False]),
        quantity=np.array([4, 2, 3, 5]), price=np.array([50, 42, 30, 45]),
        agent=["firm"] * 4, period=[0, 0, 0, 0], zone=["default"] * 4,
        product=("default",) * 4, min_acceptance_ratio=np.zeros(4), sequence=[0, 1, 2, 3],
    )
    orders = [buy("b1", 4.0, 50.0, agent="firm"), buy("b2", 2.0, 42.0, agent="firm", sequence=1),
              sell("s1", 3.0, 30.0, agent="firm", sequence=2),
              sell("s2", 5.0, 45.0, agent="firm", sequence=3)]
    expected = clear(orders)
    # The bid of 4 at 50 takes the 3 offered at 30 and 1 of the 5 offered at 45; the bid at 42
    # is below 45. The offer at 45, accepted in part, sets the price.
    assert expected.volume == 4.0 and expected.price == 45.0
    assert dict(expected.accepted) == {"b1": 4.0, "b2": 0.0, "s1": 3.0, "s2": 1.0}
    _assert_same(clear(table), expected)
    _assert_same(clear(per_row), expected)


def test_round_trip_through_orders() -> None:
    orders = random_book(np.random.default_rng(5), 30, zones=("a", "b"), periods=2,
                         block_share=0.3)
    table = OrderTable.from_orders(orders)
    assert len(table) == len(orders)
    assert table.to_orders() == orders


def test_a_table_never_changes() -> None:
    quantity = np.array([1.0, 2.0])
    table = OrderTable(id=["b", "s"], is_buy=[True, False], quantity=quantity, price=[5.0, 4.0])
    quantity[0] = 99.0
    assert table.quantity[0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        table.price[0] = 1.0
    with pytest.raises(AttributeError):
        table.quantity = np.ones(2)  # type: ignore[misc]
    assert clear(table).volume == 1.0


def _without_row(message: str) -> str:
    return re.sub(r" \(row \d+\)", "", message, count=1)


@pytest.mark.parametrize(("field", "value"), ODD_CASES)
@pytest.mark.parametrize("position", [0, 17])
def test_tables_refuse_what_lists_of_orders_refuse_with_the_same_message(
    field: str, value: object, position: int
) -> None:
    book = book_with_odd_value(field, value, position)
    try:
        expected = clear(book)
    except ClearingInputError as error:
        with pytest.raises(ClearingInputError) as info:
            clear(OrderTable.from_orders(book))
        assert _without_row(str(info.value)) == str(error)
        if "(row" in str(info.value):
            assert f"(row {position})" in str(info.value) or field == "id"
    else:
        _assert_same(clear(OrderTable.from_orders(book)), expected)


@pytest.mark.parametrize(
    ("columns", "fragments"),
    [
        ({"price": [5.0]}, ["'price' has 1 rows", "'id' has 2"]),
        ({"zone": ("default",)}, ["'zone' has 1 rows"]),
        ({"is_buy": [1, 0]}, ["is_buy", "int64", "booleans"]),
        ({"quantity": [True, True]}, ["'b' (row 0)", "quantity", "True"]),
        ({"quantity": ["1", "2"]}, ["'b' (row 0)", "quantity", "'1'"]),
        ({"quantity": [1.0, -2.0]}, ["'s' (row 1)", "quantity", "-2.0", "> 0"]),
        ({"price": [5.0, math.nan]}, ["'s' (row 1)", "price", "nan"]),
        ({"price": [5.0, 2e6]}, ["'s' (row 1)", "price", "price_cap"]),
        ({"zone": "mars"}, ["'b' (row 0)", "zone", "'mars'"]),
        ({"zone": ("default", "mars")}, ["'s' (row 1)", "zone", "'mars'"]),
        ({"period": -1}, ["'b' (row 0)", "period", "-1"]),
        ({"period": [0, 1.5]}, ["order table", "period", "float64", "integers"]),
        ({"period": np.array([0, -2])}, ["'s' (row 1)", "period", "-2"]),
        ({"agent": 3}, ["'b' (row 0)", "agent", "3"]),
        ({"product": ""}, ["'b' (row 0)", "product"]),
        ({"min_acceptance_ratio": [0.0, 2.0]}, ["'s' (row 1)", "min_acceptance_ratio", "2.0"]),
        ({"block": ("K", "")}, ["'s' (row 1)", "block", "''"]),
        ({"block": ("K", "K"), "agent": ("x", "y")}, ["'s' (row 1)", "block", "agent 'x'"]),
        ({"block": "K"}, ["order table", "block", "'K'"]),
        ({"sequence": [0.5, 1.0]}, ["order table", "sequence", "float64", "integers"]),
        ({"sequence": np.array([0, "x"], dtype=object)}, ["'s' (row 1)", "sequence", "'x'"]),
        ({"id": ("b", "b")}, ["'b' (row 1)", "id", "unique"]),
        ({"id": ("b", 7)}, ["7 (row 1)", "id"]),
        ({"quantity": [[1.0], [2.0]]}, ["order table", "quantity", "shape"]),
        ({"quantity": [1.0, [2.0, 3.0]]}, ["order table", "quantity"]),
    ],
)
def test_bad_columns_are_named(columns: dict[str, object], fragments: list[str]) -> None:
    fields: dict[str, object] = {
        "id": ("b", "s"), "is_buy": [True, False], "quantity": [1.0, 1.0], "price": [5.0, 4.0],
        **columns,
    }
    with pytest.raises(ClearingInputError) as info:
        clear(OrderTable(**fields))  # type: ignore[arg-type]
    for fragment in fragments:
        assert fragment in str(info.value)


def test_from_orders_refuses_what_a_table_cannot_hold() -> None:
    with pytest.raises(ClearingInputError, match=r"orders\[1\]"):
        OrderTable.from_orders([buy("b", 1.0, 2.0), ("s", 1.0)])  # type: ignore[list-item]
    with pytest.raises(ClearingInputError, match="'x'.*side.*'hold'"):
        OrderTable.from_orders([Order("x", "a", "hold", 1.0, 2.0)])  # type: ignore[arg-type]


def test_an_empty_table_clears_to_no_trade() -> None:
    result = clear(OrderTable(id=(), is_buy=[], quantity=[], price=[]))
    assert result.status == "no_trade" and dict(result.accepted) == {} and result.volume == 0.0


def test_periods_beyond_int64_clear_like_a_list_of_orders() -> None:
    big = 2**63
    table = OrderTable(id=("b", "s"), is_buy=[True, False], quantity=[1.0, 1.0],
                       price=[5.0, 4.0], period=np.array([big, big], dtype=np.uint64))
    orders = [buy("b", 1.0, 5.0, period=big), sell("s", 1.0, 4.0, period=big, sequence=1)]
    _assert_same(clear(table, solver="highs"), clear(orders, solver="highs"))
    assert clear(table).prices == {("default", "default", big): 4.5}


def test_sequences_beyond_int64_break_ties_like_small_ones() -> None:
    orders = [buy("b", 1.0, 10.0, sequence=2**70), buy("a", 1.0, 10.0, sequence=2**70),
              sell("s", 1.0, 5.0, sequence=-(2**70))]
    assert clear(OrderTable.from_orders(orders)).accepted == {"a": 1.0, "b": 0.0, "s": 1.0}


def test_side_column_matches_the_orders() -> None:
    orders = [buy("b", 1.0, 10.0), sell("s", 1.0, 5.0)]
    table = OrderTable.from_orders(orders)
    assert table.is_buy.tolist() == [o.side == Side.BUY for o in orders]


def test_validating_something_else_as_a_table_names_its_type() -> None:
    with pytest.raises(ClearingInputError, match="book of type list is not allowed"):
        validate_table([buy("b", 1.0, 2.0)], MarketSpec())  # type: ignore[arg-type]
