"""``greenmarket clear``: JSON object, table, example books and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from market.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "configs" / "examples"
CONSOLE_SCRIPT = Path(sys.executable).parent / "greenmarket"


def _write(tmp_path: Path, text: str, name: str = "book.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_object_for_one_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _write(tmp_path, "id,side,quantity,price\nb1,buy,10,50\nb2,buy,5,45\ns1,sell,12,40\n")
    assert main(["clear", str(book), "--json", "--solver", "highs"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"status", "price", "volume", "welfare", "accepted", "payments"}
    assert out["status"] == "optimal" and out["price"] == 45.0 and out["volume"] == 12.0
    assert out["accepted"] == {"b1": 10.0, "b2": 2.0, "s1": 12.0}
    assert out["payments"] == {"b1": 450.0, "b2": 90.0, "s1": -540.0}


def test_prices_keyed_by_zone_and_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _write(
        tmp_path,
        "id,side,quantity,price,zone,period\n"
        "a,buy,1,10,north,0\nb,sell,1,5,north,0\nc,buy,1,20,south,1\nd,sell,1,10,south,1\n",
    )
    assert main(["clear", str(book), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["price"] == {"north/0": 7.5, "south/1": 15.0}
    zones_only = _write(
        tmp_path, "id,side,quantity,price,zone\na,buy,1,10,n\nb,sell,1,6,s\n", "z.csv"
    )
    assert main(["clear", str(zones_only), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["price"] == {"n": None, "s": None}


def test_pay_as_bid_rule_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = _write(tmp_path, "id,side,quantity,price\nb1,buy,10,50\ns1,sell,10,40\n")
    assert main(["clear", str(book), "--json", "--rule", "pay_as_bid"]) == 0
    assert json.loads(capsys.readouterr().out)["payments"] == {"b1": 500.0, "s1": -400.0}


def test_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clear", str(EXAMPLES / "classroom_smith1962.csv")]) == 0
    out = capsys.readouterr().out
    assert "status   optimal" in out
    assert "price    zone default period 0: 2 " in out
    assert "buyer01" in out and "seller11" in out


@pytest.mark.parametrize(
    ("text", "args", "fragment"),
    [
        ("id,side,quantity\nb,buy,1\n", [], "missing column(s) ['price']"),
        ("id,side,quantity,price\nb,hold,1,5\n", [], "column 'side' = 'hold'"),
        ("id,side,quantity,price\nb,buy,abc,5\n", [], "line 2: column 'quantity' = 'abc'"),
        ("id,side,quantity,price\nb,buy,-1,5\n", [], "line 2: column 'quantity' = '-1'"),
        ("id,side,quantity,price\nb,buy,1,5\nb,sell,1,4\n", [], "line 3: column 'id' = 'b'"),
        ("id,side,quantity,price\nb,buy,1,5\n", ["--price-cap", "1"], "field 'price' = 5.0"),
        ("id,side,quantity,price,colour\nb,buy,1,5,red\n", [], "unknown column(s) ['colour']"),
        ("id,side,quantity,price,block\nb,buy,1,5,K\n", ["--solver", "fast"], "solver = 'fast'"),
        # Quantities and prices near the largest float overflowed welfare and payments.
        ("id,side,quantity,price\nb,buy,1e308,9e5\ns,sell,1e308,1\n", [],
         "line 2: column 'quantity' = '1e308' is not allowed; allowed: a number > 0 and <= 1e+09"),
        ("id,side,quantity,price\nb,buy,1,5\ns,sell,1,-1e7\n", [],
         "line 3: column 'price' = '-1e7' is not allowed; allowed: a number in [-1e+06, 1e+06]"),
        ("id,side,quantity,price\nb,buy,nan,5\n", [], "line 2: column 'quantity' = 'nan'"),
        ("id,side,quantity,price\nb,buy,1,inf\n", [], "line 2: column 'price' = 'inf'"),
        # A repeated header column was silently used; extra cells were silently dropped.
        ("id,side,quantity,price,price\nb,buy,1,5,7\n", [], "line 1: column 5 'price' repeats"),
        ("id,side,quantity,price\nb,buy,1,5,7\n", [], "line 2: column 5 has no header"),
        ("id,side,quantity,price\nb,buy,1,5\ns,sell,1\n", [],
         "line 3: column 4 'price' is missing"),
        ("id,side,quantity,price,\nb,buy,1,5,\n", [], "line 1: column 5 has no name"),
        ("id,side,quantity,price\n,buy,1,5\n", [], "line 2: column 'id' = ''"),
        ("id,side,quantity,price,period\nb,buy,1,5,1.5\n", [], "line 2: column 'period' = '1.5'"),
        ("id,side,quantity,price,period\nb,buy,1,5,100001\n", [], "column 'period' = '100001'"),
        ("id,side,quantity,price,min_acceptance_ratio\nb,buy,1,5,2\n", [],
         "line 2: column 'min_acceptance_ratio' = '2'"),
        ("id,side,quantity,price\n\nb,buy,1,5\ns,sell,1,-3\n", [],
         "line 4: column 'price': order 's': field 'price' = -3.0"),
        ("id,side,quantity,price\nb,buy,1,5\n", ["--price-cap", "1e300"],
         "option --price-cap = 1e+300 is not allowed"),
        ("id,side,quantity,price\nb,buy,1,5\n", ["--price-floor", "7", "--price-cap", "7"],
         "option --price-cap = 7.0"),
        ("id,side,quantity,price\nb,buy,1,5\ns,sell,1," + "5" * 200_000 + "\n", [],
         "line 3: cannot read file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, args: list[str], fragment: str
) -> None:
    book = _write(tmp_path, text)
    assert main(["clear", str(book), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and fragment in captured.err
    assert "Traceback" not in captured.err


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clear", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name",
    ["classroom_smith1962", "green_power_hour", "day_ahead_blocks", "energy_rights_auction"],
)
def test_example_books_clear(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clear", str(EXAMPLES / f"{name}.csv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "optimal" and out["volume"] > 0


def test_two_parks_example_with_interconnectors(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["clear", str(EXAMPLES / "two_parks.csv"), "--json",
            "--interconnectors", str(EXAMPLES / "two_parks_interconnectors.csv")]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    # The 20 MWh link is full, so the parks' prices differ by more than the 30 CNY/MWh fee.
    assert out["price"]["xian"] - out["price"]["yulin"] > 30


def test_console_script_subprocess() -> None:
    completed = subprocess.run(
        [str(CONSOLE_SCRIPT), "clear", str(EXAMPLES / "classroom_smith1962.csv"), "--json",
         "--solver", "highs"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = json.loads(completed.stdout)  # stdout holds exactly one JSON object
    assert out["price"] == 2.0 and out["volume"] == 6.0
    bad = subprocess.run(
        [str(CONSOLE_SCRIPT), "clear", str(EXAMPLES / "missing.csv")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("links", "fragment"),
    [
        ("from_zone,to_zone,capacity\na,b,1e300\n", "line 2: column 'capacity' = '1e300'"),
        ("from_zone,to_zone,capacity,wheeling_fee\na,b,1,-2\n",
         "line 2: column 'wheeling_fee' = '-2'"),
        ("from_zone,to_zone,capacity\na,a,1\n", "line 2: column 'to_zone' = 'a'"),
        ("from_zone,to_zone,capacity\na,b,1\na,b,2\n", "line 3: column 'to_zone' = 'b'"),
        ("from_zone,to_zone,capacity,capacity\na,b,1,2\n", "line 1: column 4 'capacity'"),
    ],
)
def test_bad_interconnector_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], links: str, fragment: str
) -> None:
    book = _write(tmp_path, "id,side,quantity,price,zone\nb,buy,1,5,a\ns,sell,1,4,b\n")
    link_file = _write(tmp_path, links, "links.csv")
    assert main(["clear", str(book), "--interconnectors", str(link_file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and fragment in captured.err and "links.csv" in captured.err


def test_largest_allowed_book_figures_are_finite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _write(tmp_path, "id,side,quantity,price\nb,buy,1e9,1e6\ns,sell,1e9,-1e6\n")
    args = ["clear", str(book), "--json", "--price-floor=-1e6"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["welfare"] == 2e15 and out["payments"] == {"b": 0.0, "s": -0.0}


def test_parser_choices_are_the_engines() -> None:
    from clearing import PricingRule
    from clearing.engine import SOLVERS
    from market.commands.clear import RULES
    from market.commands.clear import SOLVERS as CLI_SOLVERS

    assert tuple(r.value for r in PricingRule) == RULES and CLI_SOLVERS == SOLVERS


def test_registering_the_command_imports_no_clearing_code() -> None:
    code = (
        "import argparse, sys\n"
        "from market.commands import clear\n"
        "clear.register(argparse.ArgumentParser().add_subparsers())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('clearing', 'numpy', 'pulp', 'pydantic')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_reader_closing_the_pipe_early_is_quiet(tmp_path: Path) -> None:
    # The table of 6,000 orders (~400 kB) is far larger than a pipe's buffer (64 kB), so the
    # command is still writing when the reader goes away after the first line.
    rows = "".join(f"o{k:05d},{'buy' if k % 2 else 'sell'},{k % 97 + 1},{k % 89 + 1}\n"
                   for k in range(6000))
    book = _write(tmp_path, "id,side,quantity,price\n" + rows)
    with subprocess.Popen(
        [str(CONSOLE_SCRIPT), "clear", str(book)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith("status   optimal")
        process.stdout.close()
        stderr = process.stderr.read()
        code = process.wait(timeout=60)
    assert stderr == ""
    assert code == 1
