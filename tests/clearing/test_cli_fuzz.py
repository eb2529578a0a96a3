"""Generated malformed order books: ``greenmarket clear`` either rejects the whole file with one
line naming the file, line and column (exit 2), or prints an answer whose figures are finite."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from market.cli import main

COLUMNS = ["id", "side", "quantity", "price", "zone", "period", "block", "agent",
           "min_acceptance_ratio"]
HEADER_NAMES = st.sampled_from([*COLUMNS, *COLUMNS[:4], "colour", "", " price "])
CELLS = st.one_of(
    st.sampled_from(["buy", "sell", "BUY", "hold", "a", "b", "K", "north", ""]),
    st.sampled_from(["1", "5", "0", "-1", "0.5", "1e9", "1e9.5", "1e6", "-1e6", "0.001",
                     "1e308", "-1e308", "1e309", "nan", "inf", "-inf", "1_000", "abc", " 7 "]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats().map(repr),
    st.text(alphabet="ab ,\"\n1e.-", max_size=6),
)


VALID = {
    "side": st.sampled_from(["buy", "sell"]),
    "quantity": st.sampled_from(["1", "2.5", "0.001", "1e9", "1000000000"]),
    "price": st.sampled_from(["0", "5", "7.25", "1e6", "999999.5"]),
    "zone": st.sampled_from(["", "north", "south"]),
    "period": st.sampled_from(["", "0", "1", "100000"]),
    "block": st.sampled_from(["", "", "K"]),
    "agent": st.sampled_from(["", "p", "q"]),
    "min_acceptance_ratio": st.sampled_from(["", "0", "1", "0.5"]),
}


def _cell(draw: st.DrawFn, column: str, row: int) -> str:
    """Mostly a value the column accepts, sometimes anything."""
    if draw(st.integers(min_value=0, max_value=29)) == 0:
        return draw(CELLS)
    return f"o{row}" if column not in VALID else draw(VALID[column])


@st.composite
def books(draw: st.DrawFn) -> str:
    """CSV text: a header that is usually (not always) valid, rows of roughly matching width."""
    if draw(st.booleans()):
        extra = draw(st.lists(st.sampled_from(COLUMNS[4:]), max_size=5, unique=True))
        header = [*COLUMNS[:4], *extra]
    else:
        header = draw(st.lists(HEADER_NAMES, min_size=1, max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in range(draw(st.integers(min_value=0, max_value=6))):
        cells = [_cell(draw, column, row) for column in header]
        change = draw(st.sampled_from([0] * 10 + [-1, 1]))
        writer.writerow(cells[:change] if change < 0 else cells + ["1"] * change)
    return buffer.getvalue()


@pytest.mark.slow
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=books())
def test_bad_books_are_rejected_whole_or_cleared_finite(tmp_path: Path, text: str) -> None:
    book = tmp_path / "book.csv"
    book.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["clear", str(book), "--json"])
    event(f"exit {code}")
    if code == 2:
        message = err.getvalue()
        assert out.getvalue() == ""  # no partial output
        assert message.count("\n") == 1 and "Traceback" not in message
        assert f"{book}, line " in message and "column" in message, message
        return
    assert code == 0, err.getvalue()
    answer = json.loads(out.getvalue())
    prices = answer["price"].values() if isinstance(answer["price"], dict) else [answer["price"]]
    figures = [answer["volume"], answer["welfare"], *answer["accepted"].values(),
               *answer["payments"].values(), *(p for p in prices if p is not None)]
    assert all(isinstance(v, float) and math.isfinite(v) for v in figures)
