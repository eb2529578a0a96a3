"""A Dask ``LocalCluster`` in a process of its own, standing in for a cluster on other machines.

``python -m bench.dask_cluster --workers 2`` starts the cluster (each worker preloading
``market.studies.worker_warmup``), prints its scheduler address on one line and keeps it up
until its standard input is closed. ``bench.bench_studies`` runs a study against it with
``greenmarket compare --scheduler ADDRESS``.
"""

from __future__ import annotations

import argparse
import logging
import sys

from distributed import LocalCluster

from market.studies.execute import WARMUP_MODULE


def main(argv: list[str] | None = None) -> int:
    """Start the cluster, print its address, wait for the end of standard input."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
        preload=[WARMUP_MODULE],
    ) as cluster:
        print(cluster.scheduler_address, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
