"""greenmarket against ASSUME on the same market: one zone, hourly, 100 participants, one month.

``python -m bench.bench_assume`` builds the market twice and times each end to end in a fresh
interpreter (imports, building, simulating, writing results):

- greenmarket: one park of 100 firms for June 2025 (720 hourly steps), the green-power market
  cleared every hour: 50 firms with rooftop PV (they sell their surplus) and 50 without, each
  buying green power up to its target share (``greenmarket run FILE``, the command a user runs).
- ASSUME (``assume-framework``): one energy-only market cleared every hour at a uniform price
  over the same month, 50 generating units and 50 demand units, each with its own unit
  operator (agent) and the naive bidding strategies, no database and no files written.

Both describe 100 participants trading in one hourly uniform-price market over 720 hours; the
physics behind the bids differ (greenmarket simulates the firms' loads, PV and accounting,
ASSUME bids fixed capacities at fixed costs), so the comparison is of tools doing the same kind
of job, not of identical computations. Target: greenmarket >= 30x faster (ratio of medians).

ASSUME runs when ``assume`` can be imported in this interpreter (``pip install
assume-framework``) or in the one given with ``--assume-python``; otherwise the script says so
and times greenmarket alone. Figures go to ``bench/out/assume.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.common import write_json

REPO = Path(__file__).resolve().parents[1]
PARTICIPANTS = 100
HOURS = 720
START = "2025-06-01T00:00:00"
TARGET_RATIO = 30.0
SECTORS = ("electronics", "equipment", "textiles", "food")

ASSUME_SCRIPT = f'''
import logging, os
from datetime import datetime, timedelta
import pandas as pd
from dateutil import rrule as rr
from dateutil.relativedelta import relativedelta as rd
from assume import World
from assume.common.forecaster import DemandForecaster, PowerplantForecaster
from assume.common.market_objects import MarketConfig, MarketProduct

start = datetime.fromisoformat("{START}")
end = start + timedelta(hours={HOURS - 1})
index = pd.date_range(start, end + timedelta(hours=24), freq="h")
world = World(database_uri="", export_csv_path="", log_level="ERROR")
world.setup(start=start, end=end, save_frequency_hours=None, simulation_id="bench")
world.add_market_operator(id="operator")
world.add_market("operator", MarketConfig(
    market_id="EOM", opening_hours=rr.rrule(rr.HOURLY, dtstart=start, until=end),
    opening_duration=timedelta(hours=1), market_mechanism="pay_as_clear",
    market_products=[MarketProduct(rd(hours=1), 1, rd(hours=1))]))
half = {PARTICIPANTS // 2}
for k in range(half):
    world.add_unit_operator(f"seller{{k}}")
    world.add_unit(f"plant{{k}}", "power_plant", f"seller{{k}}", {{
        "min_power": 0, "max_power": 2.0, "technology": "pv", "fuel_type": "others",
        "additional_cost": 300 + 4 * k,
        "bidding_strategies": {{"EOM": "powerplant_energy_naive"}}}}, PowerplantForecaster(index))
    world.add_unit_operator(f"buyer{{k}}")
    world.add_unit(f"demand{{k}}", "demand", f"buyer{{k}}", {{
        "min_power": 0, "max_power": -1.5, "technology": "demand", "price": 500 - 4 * k,
        "bidding_strategies": {{"EOM": "demand_energy_naive"}}}},
        DemandForecaster(index, demand=-1.5))
world.run()
'''


def greenmarket_scenario() -> dict[str, Any]:
    """One park, 100 firms (50 with PV), the hourly green-power market, one month."""
    firms = []
    for k in range(PARTICIPANTS):
        firm: dict[str, Any] = {
            "name": f"firm_{k:03d}",
            "sector": SECTORS[k % len(SECTORS)],
            "output_t_per_yr": 2000 + 50 * k,
        }
        if k % 2 == 0:  # small load, large roof: a daytime surplus to sell
            firm["output_t_per_yr"] = 300 + 5 * k
            firm["assets"] = {"pv_kwp": 1500 + 20 * k}
        else:
            firm["green_power"] = {"target_share": 0.2 + 0.005 * k}
        firms.append(firm)
    return {
        "name": "assume_comparison",
        "seed": 1,
        "time": {"start": START, "horizon_h": HOURS, "step_h": 1.0},
        "markets": {"green_power": {"enabled": True, "period": "hourly"},
                    "energy_rights": {"enabled": False}},
        "parks": [{
            "name": "one_zone",
            "grid": {"connection_limit_kw": 200_000},
            "operator": {"strategy": "self_consumption"},
            "firms": firms,
        }],
    }


def wall_s(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall time [s] of a command run to completion in ``cwd`` (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    return time.perf_counter() - started


def assume_python(given: str | None) -> str | None:
    """The interpreter that can import ``assume``, or None."""
    if given is not None:
        return given
    return sys.executable if importlib.util.find_spec("assume") is not None else None


def main(argv: list[str] | None = None) -> int:
    """Time both tools, print the ratio with PASS/FAIL, write ``bench/out/assume.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="greenmarket runs (median)")
    parser.add_argument("--assume-repeats", type=int, default=1, help="ASSUME runs (median)")
    parser.add_argument("--assume-python", default=None,
                        help="a Python interpreter with assume-framework installed")
    args = parser.parse_args(argv)
    data: dict[str, Any] = {"participants": PARTICIPANTS, "hours": HOURS}
    with tempfile.TemporaryDirectory() as tmp:
        scenario = Path(tmp) / "assume_comparison.yaml"
        scenario.write_text(yaml.safe_dump(greenmarket_scenario(), sort_keys=False),
                            encoding="utf-8")
        command = [sys.executable, "-m", "market.cli", "run", str(scenario), "--quiet",
                   "--out", str(Path(tmp) / "out")]
        greenmarket = [wall_s(command, REPO) for _ in range(args.repeats)]
    data["greenmarket_command"] = "greenmarket run <scenario> --quiet --out <folder>"
    data["greenmarket_s"] = greenmarket
    data["greenmarket_median_s"] = statistics.median(greenmarket)
    print(f"  greenmarket: {data['greenmarket_median_s']:.2f} s end to end (median of "
          f"{len(greenmarket)}; {PARTICIPANTS} firms, {HOURS} hourly clearings)")
    python = assume_python(args.assume_python)
    if python is None:
        data["assume"] = "not installed"
        print("  ASSUME: not installed here (pip install assume-framework); greenmarket timed "
              "alone -> SKIPPED")
        write_json("assume", data)
        return 0
    env = {**os.environ, "TQDM_DISABLE": "1"}
    version = subprocess.run(
        [python, "-c", "from importlib.metadata import version; print(version("
         "'assume-framework'))"], capture_output=True, text=True, check=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:  # ASSUME writes a log file where it runs
        assume = [wall_s([python, "-c", ASSUME_SCRIPT], Path(tmp), env)
                  for _ in range(args.assume_repeats)]
    data["assume_version"] = version
    data["assume_s"] = assume
    data["assume_median_s"] = statistics.median(assume)
    ratio = data["assume_median_s"] / data["greenmarket_median_s"]
    data["ratio"] = ratio
    data["target_ratio"] = TARGET_RATIO
    data["met"] = ratio >= TARGET_RATIO
    print(f"  ASSUME {version}: {data['assume_median_s']:.1f} s end to end (median of "
          f"{len(assume)}; {PARTICIPANTS // 2} units + {PARTICIPANTS // 2} demands, "
          f"{HOURS} hourly clearings)")
    print(f"  greenmarket {ratio:.1f}x faster (target >= {TARGET_RATIO:.0f}x) -> "
          f"{'PASS' if data['met'] else 'FAIL'}")
    write_json("assume", data)
    return int(not data["met"])


if __name__ == "__main__":
    raise SystemExit(main())
