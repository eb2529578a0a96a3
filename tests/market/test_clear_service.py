"""Clearing a book of plain rows gives the CLI's JSON object."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from market.clear_service import ClearRequestError, clear_book
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
