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


def test_operator_token_from_a_file_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("file-token-0123456789\n", encoding="utf-8")
    monkeypatch.setenv("GREENMARKET_OPERATOR_TOKEN", "env-token-0123456789")
    args = build_parser().parse_args(
        ["serve", "--host", "0.0.0.0", "--allowed-host", "lab.example", "--require-token"]
    )
    settings = settings_from_args(args)
    assert settings.guarded and settings.allowed_hosts == ("lab.example",)
    assert settings.operator_token is not None
    assert settings.operator_token.get_secret_value() == "env-token-0123456789"
    from_file = build_parser().parse_args(["serve", "--operator-token-file", str(token_file)])
    token = settings_from_args(from_file).operator_token
    assert token is not None and token.get_secret_value() == "file-token-0123456789"
    short = build_parser().parse_args(["serve", "--operator-token-file", str(tmp_path / "none")])
    assert short.func(short) == 2
    assert "--operator-token-file" in capsys.readouterr().err
