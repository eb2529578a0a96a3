"""The renewable-exclusion effect: the same run's rights market with the switch off, compared.

The switch ``accounting.renewable_exclusion`` decides whether certified green power is deducted
from a firm's counted energy use. It changes the green-power market (what a certificate is
worth), the rights market and the accounts; it does not change the parks' physics unless markets
feed back into equipment (``investments``). With the switch off nothing is deducted, so the
rights market of that run does not depend on the green-power market at all: it depends on the
parks' metered energy use, its own seed and its own rules. The counterfactual is therefore a
second rights market (:class:`ExclusionCounterfactual`) that runs beside the real markets in the
same SimPy environment, on the same park runs, with its own ledgers, its own copy of the rights
market's random stream and no event sinks: the physics is simulated once and the green-power
market once. With investments the whole scenario is simulated again with the switch off (see
:func:`market.runner.exclusion_effect`).

Both give the same figures (``tests/market/test_exclusion_effect.py`` checks them against a
separate run): the markets only read the park runs, and the counterfactual rights market starts
from the same seed and stream as a separate run's would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from market.build import spawn_market_generator
from market.config.schema import ScenarioConfig
from market.engine.bus import EventBus
from market.markets.session import Markets
from market.results import collect_results

if TYPE_CHECKING:
    from market.engine.simulation import Simulation


def exclusion_applies(config: ScenarioConfig) -> bool:
    """Whether the scenario has an exclusion effect to show: both markets and the switch on."""
    markets = config.markets
    return bool(
        markets.green_power.enabled
        and config.policy.runs_energy_rights(markets)
        and config.accounting.renewable_exclusion
    )


def without_exclusion(config: ScenarioConfig) -> ScenarioConfig:
    """``config`` with ``accounting.renewable_exclusion`` off."""
    accounting = config.accounting.model_copy(update={"renewable_exclusion": False})
    return config.model_copy(update={"accounting": accounting})


def rights_market_without_exclusion(config: ScenarioConfig) -> ScenarioConfig:
    """``config`` with the switch off and only the rights market on: what the counterfactual
    steps (the rights market of a run without exclusion does not read the green-power market)."""
    off = without_exclusion(config)
    green = off.markets.green_power.model_copy(update={"enabled": False})
    return off.model_copy(update={"markets": off.markets.model_copy(update={"green_power": green})})


def shares_physics(config: ScenarioConfig) -> bool:
    """Whether the runs with and without exclusion differ in the rights market alone: no
    investments (whose decisions follow the rights price and change the parks' equipment) and no
    carbon market (which the rights market's abatement feeds)."""
    return not config.investments.enabled and not config.policy.runs_carbon(config.markets)


@dataclass
class ExclusionCounterfactual:
    """The rights market of a simulation with renewable exclusion off, on the simulation's own
    parks.

    Attributes
    ----------
    config
        The scenario with the switch off and only the rights market on.
    markets
        Its markets (the rights market), stepped by the simulation's environment beside the
        real ones.
    """

    config: ScenarioConfig
    markets: Markets

    @classmethod
    def attach(cls, sim: Simulation) -> ExclusionCounterfactual | None:
        """Start the counterfactual rights market in ``sim``'s environment before it runs.

        Returns ``None`` when the scenario has no exclusion effect or when the two runs would
        not share their physics (then only a separate run gives the counterfactual).
        """
        config = sim.config
        if not (exclusion_applies(config) and shares_physics(config)):
            return None
        if sim.now_h != 0.0:
            raise ValueError("the exclusion counterfactual must be attached before the run starts")
        off = rights_market_without_exclusion(config)
        markets = Markets.create(
            off,
            sim.parks,
            sim.runs,
            sim.reference,
            spawn_market_generator(off.seed, len(off.parks)),
            EventBus(),
            check_invariants=sim.markets.check_invariants if sim.markets is not None else False,
        )
        if markets is None:
            return None
        markets.start(sim.env)
        return cls(off, markets)

    def summary(self, sim: Simulation) -> dict[str, Any]:
        """The summary of the run with the switch off, rights market only (``sim`` finished):
        its ``markets.energy_rights`` equals a separate run's."""
        return collect_results(sim.runs, sim.reference, self.config, self.markets).summary


def compare(
    config: ScenarioConfig, with_: dict[str, Any], without: dict[str, Any]
) -> dict[str, Any]:
    """The effect per year from the summaries with and without exclusion."""

    def rights(summary: dict[str, Any]) -> dict[str, Any]:
        return dict(summary["markets"]["energy_rights"]["years"])

    years: dict[str, Any] = {}
    for year, on in rights(with_).items():
        off = rights(without).get(year, {})
        p_on, p_off = on.get("average_price_cny_per_tce"), off.get("average_price_cny_per_tce")
        years[year] = {
            "excluded_tce": on.get("renewable_exclusion_tce"),
            "counted_use_with_tce": on.get("counted_use_tce"),
            "counted_use_without_tce": off.get("counted_use_tce"),
            "rights_price_with_cny_per_tce": p_on,
            "rights_price_without_cny_per_tce": p_off,
            "rights_price_change_cny_per_tce": (
                round(p_on - p_off, 6) if p_on is not None and p_off is not None else None
            ),
            "abatement_with_tce": on.get("abatement_tce"),
            "abatement_without_tce": off.get("abatement_tce"),
        }
    return {"rule": config.accounting.renewable_exclusion_rule, "years": years}
