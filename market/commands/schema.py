"""``greenmarket schema``: print the JSON Schema of scenario files."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``schema`` command."""
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema that scenario files are validated against.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema; always succeeds."""
    from market.config import ScenarioConfig

    print(json.dumps(ScenarioConfig.model_json_schema(), indent=2, sort_keys=True))
    return 0
