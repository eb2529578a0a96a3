"""``greenmarket validate FILE``: check a scenario and report every problem."""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` command."""
    parser = subparsers.add_parser(
        "validate",
        help="check a scenario file",
        description="Validate a scenario YAML file. Prints OK, or every error with its field "
        "path, the bad value and what is allowed (exit code 2).",
    )
    parser.add_argument("config", help="scenario YAML file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate ``args.config``; return 0 when valid, 2 otherwise."""
    from market.config import ConfigError, load_config

    try:
        load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print("OK")
    return 0
