"""``greenmarket run CONFIG``: simulate a scenario and write its results."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` command."""
    parser = subparsers.add_parser(
        "run",
        help="simulate a scenario",
        description="Simulate a scenario and write summary.json, timeseries.parquet, firms.csv "
        "and events.jsonl into the output folder.",
    )
    parser.add_argument("config", help="scenario YAML file")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/<scenario name>)"
    )
    parser.add_argument("--seed", type=int, default=None, help="override the scenario's seed")
    parser.add_argument(
        "--events",
        choices=["summary", "all"],
        default=None,
        help="events.jsonl detail: daily summaries (default) or every park step too",
    )
    parser.add_argument(
        "--check-invariants",
        action="store_true",
        help="check conservation of rights, certificates and money after every market event",
    )
    parser.add_argument(
        "--no-exclusion-effect",
        action="store_true",
        help="skip the counterfactual rights market that measures the renewable-exclusion effect",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the scenario; 0 on success, 2 on a bad config or seed."""
    from market.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from market.native_output import load_highs_quietly
    from market.runner import RunError, run_scenario  # the engine loads only when needed

    load_highs_quietly()

    out_dir = args.out if args.out is not None else Path("results") / config.name
    try:
        outcome = run_scenario(
            config,
            out_dir,
            seed=args.seed,
            events=args.events,
            show_progress=not args.quiet and sys.stderr.isatty(),
            check_invariants=args.check_invariants,
            with_exclusion_effect=not args.no_exclusion_effect,
        )
    except (ConfigError, RunError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not args.quiet:
        print(outcome.table)
        print(f"\nResults written to {out_dir}/: " + ", ".join(p.name for p in outcome.files))
    return 0
