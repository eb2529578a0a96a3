"""Clearing a book of plain rows gives the CLI's JSON object."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest

from clearing import ClearingResult, Interconnector
from market.book_limits import MAX_ABS_PRICE_CNY_PER_UNIT, MAX_BOOK_ORDERS, MAX_ORDER_QUANTITY
from market.clear_service import ClearRequestError, check_finite, clear_book, result_to_json
from market.cli import main

BOOK = Path(__file__).resolve().parents[2] / "configs" / "examples" / "classroom_smith1962.csv"


def test_rows_and_cli_agree(capsys: pytest.CaptureFixture[str]) -> None:
    with BOOK.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    answer = clear_book(rows)
    assert main(["clear", str(BOOK), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert answer == cli
    assert answer["price"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([{"id": "a", "side": "hold", "quantity": 1, "price": 1}], "orders[0].side"),
        ([{"id": "a", "side": "buy", "price": 1}], "'quantity' is required"),
        ([{"id": "a", "side": "buy", "quantity": "x", "price": 1}], "orders[0]"),
        ([{"id": "a", "side": "buy", "quantity": -1, "price": 1}], "quantity"),
    ],
)
def test_bad_rows_are_named(rows: list[dict[str, object]], fragment: str) -> None:
    with pytest.raises(ClearRequestError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        clear_book(rows)


def test_bad_options_are_named() -> None:
    with pytest.raises(ClearRequestError, match="solver"):
        clear_book([], solver="gurobi")
    with pytest.raises(ClearRequestError, match="rule"):
        clear_book([], rule="vickrey")


@pytest.mark.parametrize(
    ("row", "path", "allowed"),
    [
        ({"quantity": 1e308}, "orders[0].quantity", "<= 1e+09"),
        ({"quantity": 10**400}, "orders[0].quantity", "<= 1e+09"),
        ({"quantity": True}, "orders[0].quantity", "a number"),
        ({"price": -1e300}, "orders[0].price", "[-1e+06, 1e+06]"),
        ({"price": "nan"}, "orders[0].price", "[-1e+06, 1e+06]"),
        ({"period": 10**30}, "orders[0].period", "[0, 100000]"),
        ({"min_acceptance_ratio": 1.5}, "orders[0].min_acceptance_ratio", "[0, 1]"),
        ({"id": ""}, "orders[0].id", "non-empty"),
        ({"colour": "red"}, "orders[0].colour", "known fields only"),
        ({"price": -3}, "orders[0].price", "price_floor"),  # named by the clearing engine
    ],
)
def test_values_beyond_the_limits_are_named(
    row: dict[str, object], path: str, allowed: str
) -> None:
    book = [{"id": "a", "side": "buy", "quantity": 1, "price": 5, **row}]
    with pytest.raises(ClearRequestError) as info:
        clear_book(book)
    assert info.value.path == path and allowed in info.value.allowed


def test_repeated_id_and_oversized_book_are_named() -> None:
    order = {"id": "a", "side": "buy", "quantity": 1, "price": 5}
    with pytest.raises(ClearRequestError) as info:
        clear_book([order, {**order, "side": "sell"}])
    assert info.value.path == "orders[1].id"
    with pytest.raises(ClearRequestError) as info:
        clear_book([order] * (MAX_BOOK_ORDERS + 1))
    assert info.value.path == "orders" and str(MAX_BOOK_ORDERS) in info.value.allowed


@pytest.mark.parametrize(
    ("options", "path"),
    [
        ({"price_cap": 1e300}, "price_cap"),
        ({"price_floor": math.nan}, "price_floor"),
        ({"price_floor": 10.0, "price_cap": 10.0}, "price_cap"),
        ({"tick": -1.0}, "tick"),
        ({"interconnectors": [Interconnector("a", "b", 1e300)]}, "interconnectors[0].capacity"),
        ({"interconnectors": [Interconnector("a", "b", 1, 1e9)]},
         "interconnectors[0].wheeling_fee"),
    ],
)
def test_options_beyond_the_limits_are_named(options: dict[str, Any], path: str) -> None:
    with pytest.raises(ClearRequestError) as info:
        clear_book([{"id": "a", "side": "buy", "quantity": 1, "price": 5, "zone": "a"}], **options)
    assert info.value.path == path


def test_a_result_that_is_not_finite_is_an_error() -> None:
    finite = ClearingResult(
        status="optimal", prices={("default", "default", 0): math.nan}, accepted={"a": 1.0},
        payments={"a": 2.0}, volume=1.0, welfare=3.0, solver="fast", solve_time_s=0.0,
    )
    check_finite(finite)  # a cell without trade has a NaN price: allowed
    assert result_to_json(finite)["price"] is None
    for change in ({"welfare": math.inf}, {"payments": {"a": -math.inf}},
                   {"prices": {("default", "default", 0): math.inf}}):
        with pytest.raises(ClearRequestError, match="result"):
            result_to_json(dataclasses.replace(finite, **change))


def test_largest_book_figures_stay_finite() -> None:
    rows = [
        {"id": f"o{k}", "side": "buy" if k % 2 else "sell", "quantity": MAX_ORDER_QUANTITY,
         "price": MAX_ABS_PRICE_CNY_PER_UNIT if k % 2 else -MAX_ABS_PRICE_CNY_PER_UNIT}
        for k in range(1000)
    ]
    answer = clear_book(rows, price_floor=-MAX_ABS_PRICE_CNY_PER_UNIT)
    figures = [answer["volume"], answer["welfare"], *answer["payments"].values()]
    assert all(math.isfinite(v) for v in figures)
    largest = 1000 * MAX_ORDER_QUANTITY * MAX_ABS_PRICE_CNY_PER_UNIT
    assert answer["welfare"] == pytest.approx(largest)
