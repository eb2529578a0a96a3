"""``greenmarket serve``: registered through the entry point, options checked."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from market.cli import build_parser
from web.cli import register, serve, settings_from_args


def test_serve_is_registered_through_the_entry_point() -> None:
    args = build_parser().parse_args(["serve", "--port", "8123", "--db", "x.sqlite3"])
    assert args.func is serve
    settings = settings_from_args(args)
    assert settings.port == 8123
    assert settings.host == "127.0.0.1"
    assert settings.db_path == Path("x.sqlite3")


def test_serve_defaults() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    settings = settings_from_args(parser.parse_args(["serve"]))
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert (settings.configs_dir / "quickstart.yaml").is_file()


@pytest.mark.parametrize(("option", "value"), [("--port", "70000"), ("--pace", "-3")])
def test_bad_options_exit_2_with_a_named_field(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["serve", option, value])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert value in err and ("port" in err or "pace" in err)
