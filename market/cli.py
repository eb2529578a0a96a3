"""Command-line interface: ``greenmarket <command>``.

Each command lives in its own module exposing ``register(subparsers)``; this module only
assembles them. Commands of other packages that build on ``market`` (such as the web app's
``serve``) register themselves through the ``greenmarket.commands`` entry-point group, so
``market`` never imports them.

Start-up stays short: command modules import their heavy dependencies (the engine, pandas,
the solvers) inside ``run``, and when the command line starts with a built-in command only
that command's parser is built (its usage, help and errors read the same as in the full
parser).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

#: Built-in commands and the module that registers each, in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "run": "market.commands.run",
    "validate": "market.commands.validate",
    "schema": "market.commands.schema",
    "clear": "market.commands.clear",
    "compare": "market.commands.compare",
}
COMMAND_MODULES: tuple[str, ...] = tuple(COMMANDS.values())


PLUGIN_GROUP = "greenmarket.commands"
#: Exit code when the reader of stdout went away before the output was written.
EXIT_BROKEN_PIPE = 1


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the top-level argument parser.

    Parameters
    ----------
    command
        A built-in command name: register only that command (no other command module and no
        entry point is loaded). ``None`` (or any other name) registers every available command.
    """
    parser = argparse.ArgumentParser(
        prog="greenmarket",
        description="Simulate green-power and energy-use-rights markets in industrial parks.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    if command in COMMANDS:
        importlib.import_module(COMMANDS[command]).register(subparsers)
        return parser
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and exc.name.startswith("market.commands"):
                continue
            raise
        module.register(subparsers)
    from importlib.metadata import entry_points  # reading package metadata takes a while

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
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments[0] if arguments else None)
    args = parser.parse_args(arguments)
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
