"""Bots benchmark: allocative efficiency of classroom games played by bots only, per preset.

``python -m bench.bench_bots`` plays every shipped preset with 12 seats, all of them bots, for
seeds 0-9, once with ``zi_c`` bots and once with the preset's own bot strategy. Efficiency of a
round = realised gains from trade / gains at the competitive equilibrium of the firms' true values
[-]; rounds without possible gains are left out. Prints the mean and the lowest round per preset
and strategy with ``PASS``/``FAIL`` against a mean of 0.9, and writes ``bench/out/bots.json``.

``--margin-shares 0,0.01,0.05,1`` also plays ``zi_c`` bots with other margins around the
competitive price interval (``market.classroom.bots.ZI_C_MARGIN_SHARE``; ``1`` is the whole value
range) and prints their efficiency, to show how much a single call depends on the bots' range.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import market.classroom.bots as bots
from bench.common import write_json
from market.classroom.game import Game
from market.classroom.presets import Preset, default_presets_dir, load_preset

TARGET_MEAN_EFFICIENCY = 0.9
PRESETS = ("rights_grandfathering", "rights_auction", "green_power_day")


def round_efficiencies(preset: Preset, strategy: str, seed: int, n_seats: int) -> list[float]:
    """Efficiency [-] of every round with possible gains of one bots-only game."""
    game = Game.create(
        "BENCH", preset, "bench", 0.0, n_seats=n_seats, bot_strategy=strategy, seed=seed
    )
    now = 0.0
    game.start(now)
    out: list[float] = []
    while game.status != "finished":
        now += 1.0
        cleared = game.advance(now)
        if cleared is not None and cleared[0].equilibrium["efficiency"] is not None:
            out.append(float(cleared[0].equilibrium["efficiency"]))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit code counts the preset/strategy pairs below the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="games per preset and strategy")
    parser.add_argument("--seats", type=int, default=12, help="seats per game, all bots")
    parser.add_argument(
        "--margin-shares",
        default="",
        help="comma-separated ZI-C margins [-] to compare with the shipped one (e.g. 0,0.05,1)",
    )
    args = parser.parse_args(argv)
    rows: list[dict[str, object]] = []
    missed = 0
    for name in PRESETS:
        preset = load_preset(default_presets_dir() / f"{name}.yaml")
        for strategy in dict.fromkeys(("zi_c", preset.bot_strategy)):
            effs = np.array(
                [
                    e
                    for seed in range(args.seeds)
                    for e in round_efficiencies(preset, strategy, seed, args.seats)
                ]
            )
            mean = float(effs.mean()) if effs.size else float("nan")
            ok = bool(effs.size) and mean >= TARGET_MEAN_EFFICIENCY
            missed += int(not ok)
            lowest = float(effs.min()) if effs.size else float("nan")
            rows.append(
                {
                    "preset": name,
                    "strategy": strategy,
                    "rounds": int(effs.size),
                    "mean_efficiency": mean,
                    "min_efficiency": lowest,
                    "pass": ok,
                }
            )
            print(
                f"{name:24s} {strategy:10s} rounds {effs.size:3d}  mean {mean:.3f}  "
                f"min {lowest:.3f}  {'PASS' if ok else 'FAIL'} (target mean >= "
                f"{TARGET_MEAN_EFFICIENCY})",
                flush=True,
            )
    sensitivity = margin_sensitivity(
        [float(x) for x in args.margin_shares.split(",") if x.strip()], args.seeds, args.seats
    )
    write_json(
        "bots",
        {
            "seeds": args.seeds,
            "seats": args.seats,
            "target_mean_efficiency": TARGET_MEAN_EFFICIENCY,
            "zi_c_margin_share": bots.ZI_C_MARGIN_SHARE,
            "results": rows,
            "margin_sensitivity": sensitivity,
        },
    )
    return missed


def margin_sensitivity(shares: list[float], seeds: int, seats: int) -> list[dict[str, object]]:
    """Mean efficiency of ``zi_c`` bots-only games per preset for each margin share [-]."""
    shipped = bots.ZI_C_MARGIN_SHARE
    out: list[dict[str, object]] = []
    try:
        for share in shares:
            bots.ZI_C_MARGIN_SHARE = share
            means: dict[str, float] = {}
            for name in PRESETS:
                preset = load_preset(default_presets_dir() / f"{name}.yaml")
                effs = [
                    e
                    for seed in range(seeds)
                    for e in round_efficiencies(preset, "zi_c", seed, seats)
                ]
                means[name] = float(np.mean(effs))
            out.append({"margin_share": share, "mean_efficiency": means})
            print(
                f"zi_c margin share {share:<5g} "
                + "  ".join(f"{name} {mean:.3f}" for name, mean in means.items()),
                flush=True,
            )
    finally:
        bots.ZI_C_MARGIN_SHARE = shipped
    return out


if __name__ == "__main__":
    sys.exit(main())
