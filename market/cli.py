"""Command-line interface: ``greenmarket <command>``.

Each command lives in its own module exposing ``register(subparsers)``; this module only
assembles them. Commands of other packages that build on ``market`` (such as the web app's
``serve``) register themselves through the ``greenmarket.commands`` entry-point group, so
``market`` never imports them.
"""

from __future__ import annotations

import argparse
import importlib
import os
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
#: Exit code when the reader of stdout went away before the output was written.
EXIT_BROKEN_PIPE = 1


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
        Process exit code: 0 on success, 2 on bad input, 1 when the reader of stdout closed
        the pipe early (quietly, without a traceback).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe (``greenmarket ... | head``). Point stdout at devnull so
        # the interpreter's final flush does not fail again, and exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
