"""``greenmarket serve``: the web app with its live dashboard."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pydantic import SecretStr, ValidationError

from web.settings import WebSettings

#: Environment variable that may hold the operator token.
TOKEN_ENV = "GREENMARKET_OPERATOR_TOKEN"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command (entry point of the ``greenmarket.commands`` group)."""
    defaults = WebSettings()
    parser = subparsers.add_parser(
        "serve",
        help="serve the web app and live dashboard",
        description="Serve the REST API (docs at /docs), the live event stream and the dashboard.",
    )
    parser.add_argument("--host", default=defaults.host, help="address to listen on")
    parser.add_argument("--port", type=int, default=defaults.port, help="port to listen on")
    parser.add_argument(
        "--db", type=Path, default=defaults.db_path, help="SQLite database of runs and results"
    )
    parser.add_argument(
        "--configs", type=Path, default=defaults.configs_dir, help="folder of example scenarios"
    )
    parser.add_argument(
        "--results", type=Path, default=defaults.results_dir, help="folder for result files"
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=defaults.pace_h_per_s,
        help="default pace in simulated hours per second (0 = as fast as possible)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="a host name or address clients use to reach the server (repeatable; '*' = any)",
    )
    parser.add_argument(
        "--operator-token-file",
        type=Path,
        default=None,
        help=f"file holding the operator token (else ${TOKEN_ENV}, else a new one is printed)",
    )
    parser.add_argument(
        "--require-token",
        action="store_true",
        help="need the operator token and apply the classroom limits even on loopback",
    )
    parser.add_argument(
        "--game-ttl-h",
        type=float,
        default=defaults.game_ttl_h,
        help="hours a finished classroom game is kept",
    )
    parser.set_defaults(func=serve)


def operator_token_from(args: argparse.Namespace) -> SecretStr | None:
    """The operator token from ``--operator-token-file`` or the environment, or ``None``.

    Raises
    ------
    OSError
        When the token file cannot be read.
    """
    if args.operator_token_file is not None:
        return SecretStr(args.operator_token_file.read_text(encoding="utf-8").strip())
    text = os.environ.get(TOKEN_ENV)
    return SecretStr(text) if text else None


def settings_from_args(args: argparse.Namespace) -> WebSettings:
    """Build settings from parsed arguments (raises ``pydantic.ValidationError``)."""
    return WebSettings(
        host=args.host,
        port=args.port,
        db_path=args.db,
        configs_dir=args.configs,
        results_dir=args.results,
        pace_h_per_s=args.pace,
        allowed_hosts=tuple(args.allowed_host),
        require_operator_token=args.require_token,
        operator_token=operator_token_from(args),
        game_ttl_h=args.game_ttl_h,
    )


def serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; 0 on a clean stop, 2 on bad options."""
    try:
        settings = settings_from_args(args)
    except OSError as exc:
        print(f"--operator-token-file: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            field = ".".join(str(p) for p in error["loc"])
            print(f"--{field}: got {error.get('input')!r}; {error['msg']}", file=sys.stderr)
        return 2
    import uvicorn

    from web.app import create_app
    from web.security.access import ANY_ADDRESS, allowed_host_names

    app = create_app(settings)
    print(f"greenmarket dashboard: http://{settings.host}:{settings.port}/", file=sys.stderr)
    if settings.guarded:
        hosts = ", ".join(sorted(allowed_host_names(settings)))
        print(f"answering host names: {hosts} (add more with --allowed-host)", file=sys.stderr)
        if settings.operator_token is None:
            token = app.state.operator_token
            shown = "<host>" if settings.host in ANY_ADDRESS else settings.host
            print(f"operator link: http://{shown}:{settings.port}/?token={token}", file=sys.stderr)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        ws="websockets",
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    return 0
