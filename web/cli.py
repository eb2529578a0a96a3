"""``greenmarket serve``: the web app with its live dashboard."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from web.settings import WebSettings


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
    parser.set_defaults(func=serve)


def settings_from_args(args: argparse.Namespace) -> WebSettings:
    """Build settings from parsed arguments (raises ``pydantic.ValidationError``)."""
    return WebSettings(
        host=args.host,
        port=args.port,
        db_path=args.db,
        configs_dir=args.configs,
        results_dir=args.results,
        pace_h_per_s=args.pace,
    )


def serve(args: argparse.Namespace) -> int:
    """Run the server until interrupted; 0 on a clean stop, 2 on bad options."""
    try:
        settings = settings_from_args(args)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            field = ".".join(str(p) for p in error["loc"])
            print(f"--{field}: got {error.get('input')!r}; {error['msg']}", file=sys.stderr)
        return 2
    import uvicorn

    from web.app import create_app

    print(f"greenmarket dashboard: http://{settings.host}:{settings.port}/", file=sys.stderr)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        ws="websockets",
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    return 0
