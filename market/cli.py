"""Command-line interface: ``greenmarket <command>``.

Each command lives in its own module exposing ``register(subparsers)``; this module only
assembles them. Commands of other packages that build on ``market`` (such as the web app's
``serve``) register themselves through the ``greenmarket.commands`` entry-point group, so
``market`` never imports them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

COMMAND_MODULES: tuple[str, ...] = (
    "market.commands.run",
    "market.commands.validate",
    "market.commands.schema",
    "market.commands.clear",
    "market.commands.compare",
)


PLUGIN_GROUP = "greenmarket.commands"


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="greenmarket",
        description="Simulate green-power and energy-use-rights markets in industrial parks.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and exc.name.startswith("market.commands"):
                continue
            raise
        module.register(subparsers)
    for entry in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        try:
            register = entry.load()
        except ImportError:
            continue  # an optional extra that is not installed
        register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``greenmarket`` console script.

    Returns
    -------
    int
        Process exit code: 0 on success, 2 on bad input.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
