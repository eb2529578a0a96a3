"""The default tariff's price ratios come from the reference data, overrides included."""

from __future__ import annotations

from typing import Any

import pytest

from market.build import build_tariff
from market.config import ConfigError, parse_config
from market.reference import load_reference

PEAK = "tariff_shaanxi.peak_price_ratio"
VALLEY = "tariff_shaanxi.valley_price_ratio"


def scenario(tariff: dict[str, Any] | None = None, **overrides: float) -> Any:
    park: dict[str, Any] = {
        "name": "p",
        "grid": {"connection_limit_kw": 1000},
        "firms": [{"name": "f", "sector": "electronics"}],
        "tariff": {"flat_price_cny_per_kwh": 0.6, **(tariff or {})},
    }
    return parse_config({"parks": [park], "reference_overrides": overrides})


def prices(config: Any) -> dict[str, float]:
    """Band name -> price [CNY/kWh] of the tariff the engine builds for the first park."""
    ref = load_reference().with_overrides(dict(config.reference_overrides))
    tariff = build_tariff(config.parks[0], ref)
    return {period.name: period.price_cny_per_kwh for period in tariff.periods}


def test_default_ratios_are_the_reference_values() -> None:
    ref = load_reference()
    built = prices(scenario())
    assert built["peak"] == pytest.approx(0.6 * ref.number(PEAK))
    assert built["valley"] == pytest.approx(0.6 * ref.number(VALLEY))
    assert built["peak"] == pytest.approx(0.9) and built["valley"] == pytest.approx(0.3)


def test_reference_overrides_of_the_ratios_reach_the_tariff() -> None:
    built = prices(scenario(**{PEAK: 2.0, VALLEY: 0.4}))
    assert built["peak"] == pytest.approx(1.2) and built["valley"] == pytest.approx(0.24)
    assert built["flat"] == pytest.approx(0.6)


def test_a_park_ratio_wins_over_the_reference() -> None:
    built = prices(scenario({"peak_ratio": 1.8}, **{PEAK: 2.0, VALLEY: 0.4}))
    assert built["peak"] == pytest.approx(1.08) and built["valley"] == pytest.approx(0.24)


@pytest.mark.parametrize(("key", "value"), [(PEAK, 0.9), (PEAK, 12.0), (VALLEY, 1.5)])
def test_out_of_range_reference_ratio_is_named_at_its_key(key: str, value: float) -> None:
    with pytest.raises(ConfigError) as info:
        scenario(**{key: value})
    assert f"reference_overrides.{key}" in {issue.path for issue in info.value.issues}
