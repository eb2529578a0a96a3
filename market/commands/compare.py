"""``greenmarket compare STUDY``: run a policy study's variants on common seeds and report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _worker_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"got {text!r}; allowed: a whole number >= 1")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``compare`` command."""
    parser = subparsers.add_parser(
        "compare",
        help="run a policy study (variants x seeds) and write a report",
        description="Run every variant of a study on the same seeds, in this process or, when "
        "the study is large enough to gain from it, on Dask distributed (a local cluster by "
        "default), and write summary.csv, runs.parquet, firms.parquet and a "
        "self-contained report.html into the output folder.",
    )
    parser.add_argument("study", help="study YAML file (see configs/studies/)")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: results/<study name>)"
    )
    parser.add_argument(
        "--workers",
        type=_worker_count,
        default=None,
        help="at most this many local Dask workers, one process and thread each (default: all "
        "cores); a study too small to gain from workers runs in this process",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="use an existing Dask scheduler, e.g. tcp://10.0.0.5:8786",
    )
    parser.add_argument("--serial", action="store_true", help="run in this process without Dask")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    parser.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of the report's and summary.xlsx's labels (default: en)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the study; 0 on success, 1 if some runs failed twice, 2 on bad input."""
    from market.studies import ExecutionError, ExecutionOptions, StudyError, load_study, run_study

    if args.serial and args.scheduler is not None:
        print("--serial and --scheduler: choose one", file=sys.stderr)
        return 2
    try:
        plan = load_study(args.study)
    except StudyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for note in plan.notes:
        print(f"note: {note}", file=sys.stderr)
    out_dir = args.out if args.out is not None else Path("results") / plan.study.name
    options = ExecutionOptions(
        serial=args.serial,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    report = None if not args.quiet else (lambda _message: None)
    try:
        outcome = run_study(plan, out_dir, options, report=report, language=args.lang)
    except (ExecutionError, OSError) as exc:
        print(f"compare: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        if outcome.placement:
            print(outcome.placement, file=sys.stderr)
        print(outcome.table)
        print(f"\nResults written to {out_dir}/: " + ", ".join(p.name for p in outcome.files))
    for failure in outcome.failures:
        print(failure.describe(), file=sys.stderr)
    return 1 if outcome.failures else 0
