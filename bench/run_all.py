"""Run every benchmark in turn: ``python -m bench.run_all`` (figures land in ``bench/out/``)."""

from __future__ import annotations

import importlib
import inspect
import sys

BENCHMARKS = (
    "bench.bench_clearing",
    "bench.bench_engine",
    "bench.bench_markets",
    "bench.bench_province",
    "bench.bench_studies",
    "bench.bench_web",
    "bench.bench_classroom",
    "bench.bench_bots",
    "bench.cli_startup",
    "bench.bench_park_year",
    "bench.bench_assume",
)


def main() -> int:
    """Run each benchmark's ``main``; the exit code counts the ones that missed their target."""
    missed = 0
    for name in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        print(f"== {name}", flush=True)
        takes_argv = bool(inspect.signature(module.main).parameters)
        code = module.main([]) if takes_argv else module.main()
        missed += int(bool(code))
    return missed


if __name__ == "__main__":
    sys.exit(main())
