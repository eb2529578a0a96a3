"""Fixtures of the classroom domain tests: presets, a tiny textbook preset and a fake clock."""

from __future__ import annotations

from typing import Any

import pytest

from market.classroom.presets import Preset, default_presets_dir, load_preset, parse_preset


def tiny_rights_data(**params: Any) -> dict[str, Any]:
    """Two firm types with round numbers, no spread and no noise (hand-computable)."""
    return {
        "name": "tiny_rights",
        "title": "Tiny rights market",
        "unit": "tce",
        "rounds": 3,
        "round_seconds": 60,
        "default_seats": 2,
        "seed": 1,
        "bot_strategy": "truthful",
        "params": {
            "cap_share": 0.8,
            "allocation": "grandfathering",
            "penalty_cny_per_unit": 1000,
            "price_cap_cny_per_unit": 2000,
            "reserve_price_cny_per_unit": 50,
            **params,
        },
        "market": {
            "kind": "energy_rights",
            "co2_tco2_per_tce": 2.0,
            "need_noise_share": 0.0,
            "seat_spread_share": 0.0,
            "seat_types": [
                {
                    "name": "cheap",
                    "label": "Cheap abater",
                    "output_t": 1000,
                    "margin_cny_per_t": 100,
                    "base_need_tce": 100,
                    "benchmark_tce_per_t": 0.1,
                    "abatement": [
                        {"name": "a", "capacity_tce": 30, "cost_cny_per_tce": 100},
                        {"name": "b", "capacity_tce": 30, "cost_cny_per_tce": 400},
                    ],
                },
                {
                    "name": "dear",
                    "label": "Dear abater",
                    "output_t": 1000,
                    "margin_cny_per_t": 100,
                    "base_need_tce": 100,
                    "benchmark_tce_per_t": 0.1,
                    "abatement": [{"name": "c", "capacity_tce": 10, "cost_cny_per_tce": 600}],
                },
            ],
        },
    }


@pytest.fixture
def tiny() -> Preset:
    """The tiny rights preset."""
    return parse_preset(tiny_rights_data())


@pytest.fixture(params=["rights_grandfathering", "rights_auction", "green_power_day"])
def shipped(request: pytest.FixtureRequest) -> Preset:
    """Each preset shipped in configs/classroom."""
    return load_preset(default_presets_dir() / f"{request.param}.yaml")


class FakeClock:
    """A clock the test moves by hand [s since the epoch]."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock."""
    return FakeClock()
