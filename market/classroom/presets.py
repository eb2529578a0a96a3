"""Game presets: the firms, markets and default rules of a classroom game, read from YAML.

A preset file in ``configs/classroom/`` is loaded with ``yaml.safe_load`` and validated by
:class:`Preset` (unknown fields are errors). Two markets exist:

* ``energy_rights``: each seat is a firm with an energy need per round [tce], a free allocation
  (grandfathering on base use, a benchmark on output, or none under an auction), a few abatement
  steps (capacity [tce], cost [CNY/tce]) and a penalty per tce of shortfall.
* ``green_power``: a day in rounds of a few hours; PV owners sell their surplus [MWh] (with a
  forecast shown for every round), one seat type has a battery that keeps unsold energy for later
  rounds, and buyers have a green-power target [MWh] with a penalty per MWh missed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from market.classroom.errors import PresetError

#: Largest number of seats in one game.
MAX_SEATS = 200
#: Largest number of rounds in one game.
MAX_ROUNDS = 30
#: Allocation rules of the energy-use-rights market.
ALLOCATION_RULES = ("grandfathering", "benchmark", "auction")
#: Bot strategies offered to instructors (names of ``agents.bidding``'s registry).
BOT_STRATEGIES = ("truthful", "zi_c", "zip", "roth_erev")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AbatementStep(_Model):
    """One abatement option of a rights firm: capacity per round [tce] at a unit cost [CNY/tce]."""

    name: str = Field(min_length=1, max_length=60)
    kind: Literal["efficiency_retrofit", "heat_pump", "curtail_output", "other"] = "other"
    capacity_tce: float = Field(gt=0, le=1e6)
    cost_cny_per_tce: float = Field(ge=0, le=1e6)


class RightsSeatType(_Model):
    """A kind of firm in the energy-use-rights game (values per round)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")
    label: str = Field(min_length=1, max_length=40)
    share: int = Field(default=1, ge=1, le=20)
    output_t: float = Field(gt=0, description="output per round [t]")
    margin_cny_per_t: float = Field(ge=0, description="production margin [CNY/t]")
    base_need_tce: float = Field(gt=0, description="energy use of the base period [tce/round]")
    benchmark_tce_per_t: float = Field(gt=0, description="benchmark energy intensity [tce/t]")
    abatement: list[AbatementStep] = Field(min_length=1, max_length=6)


class RightsMarket(_Model):
    """The energy-use-rights market of a preset."""

    kind: Literal["energy_rights"]
    co2_tco2_per_tce: float = Field(gt=0, le=5, description="CO2 per tce of energy use")
    need_noise_share: float = Field(default=0.05, ge=0, le=0.5)
    seat_spread_share: float = Field(default=0.15, ge=0, le=0.5)
    seat_types: list[RightsSeatType] = Field(min_length=1, max_length=8)


class Battery(_Model):
    """A battery behind a PV seller's meter."""

    energy_mwh: float = Field(gt=0, le=1e4)
    power_mw: float = Field(gt=0, le=1e4)
    charge_efficiency: float = Field(gt=0, le=1)
    discharge_efficiency: float = Field(gt=0, le=1)
    wear_cny_per_mwh: float = Field(ge=0, le=1e4)


class GreenSeatType(_Model):
    """A kind of seat in the green-power game: a PV seller (maybe with a battery) or a buyer."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")
    label: str = Field(min_length=1, max_length=40)
    share: int = Field(default=1, ge=1, le=20)
    role: Literal["pv_seller", "buyer"]
    pv_kwp: float = Field(default=0.0, ge=0, le=1e6)
    own_load_mwh: float = Field(default=0.0, ge=0, le=1e4, description="own use per round [MWh]")
    attribute_cost_cny_per_mwh: float = Field(default=0.0, ge=0, le=1e4)
    battery: Battery | None = None
    load_mwh: float = Field(default=0.0, ge=0, le=1e4, description="buyer's load per round [MWh]")
    voluntary_value_share: float = Field(default=0.5, ge=0, le=1)

    @model_validator(mode="after")
    def _role_fields(self) -> GreenSeatType:
        if self.role == "pv_seller" and self.pv_kwp <= 0:
            raise ValueError("a pv_seller needs pv_kwp > 0")
        if self.role == "buyer" and self.load_mwh <= 0:
            raise ValueError("a buyer needs load_mwh > 0")
        if self.role == "buyer" and self.battery is not None:
            raise ValueError("only a pv_seller may have a battery")
        return self


class GreenMarket(_Model):
    """The green-power market of a preset: one round per block of hours of one day."""

    kind: Literal["green_power"]
    hours_per_round: float = Field(gt=0, le=24)
    period_labels: list[str] = Field(min_length=1, max_length=MAX_ROUNDS)
    pv_kwh_per_kwp: list[float] = Field(min_length=1, max_length=MAX_ROUNDS)
    grid_tco2_per_mwh: float = Field(gt=0, le=2)
    seat_spread_share: float = Field(default=0.15, ge=0, le=0.5)
    seat_types: list[GreenSeatType] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _profile(self) -> GreenMarket:
        if len(self.period_labels) != len(self.pv_kwh_per_kwp):
            raise ValueError("period_labels and pv_kwh_per_kwp need one entry per round each")
        if any(v < 0 for v in self.pv_kwh_per_kwp):
            raise ValueError("pv_kwh_per_kwp values must be >= 0")
        roles = {t.role for t in self.seat_types}
        if roles != {"pv_seller", "buyer"}:
            raise ValueError("seat_types need at least one pv_seller and one buyer")
        return self


class GameParams(_Model):
    """Rules the instructor may change between rounds.

    Attributes
    ----------
    penalty_cny_per_unit
        Penalty per unit of shortfall [CNY/tce or CNY/MWh].
    price_cap_cny_per_unit, price_floor_cny_per_unit
        Allowed range of limit prices [CNY per unit].
    cap_share
        Rights market: the cap as a share of the firms' base-period use.
    allocation
        Rights market: ``grandfathering``, ``benchmark`` or ``auction``.
    reserve_price_cny_per_unit
        Rights market under an auction: the auctioneer's reserve price [CNY/tce].
    target_share
        Green-power market: buyers' green target as a share of their load.
    """

    penalty_cny_per_unit: float = Field(ge=0, le=1e6)
    price_cap_cny_per_unit: float = Field(gt=0, le=1e6)
    price_floor_cny_per_unit: float = Field(default=0.0, ge=0, le=1e6)
    cap_share: float | None = Field(default=None, gt=0, le=2)
    allocation: Literal["grandfathering", "benchmark", "auction"] | None = None
    reserve_price_cny_per_unit: float = Field(default=0.0, ge=0, le=1e6)
    target_share: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _range(self) -> GameParams:
        if self.price_floor_cny_per_unit >= self.price_cap_cny_per_unit:
            raise ValueError("price_floor_cny_per_unit must be below price_cap_cny_per_unit")
        return self


class Preset(_Model):
    """A classroom game preset (see the module docstring)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")
    title: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=2000)
    values_status: Literal["illustrative", "verified", "mixed"] = "illustrative"
    unit: Literal["tce", "MWh"]
    rounds: int = Field(ge=1, le=MAX_ROUNDS)
    round_seconds: float = Field(ge=1, le=3600)
    default_seats: int = Field(ge=2, le=MAX_SEATS)
    seed: int = Field(default=2023, ge=0)
    bot_strategy: Literal["truthful", "zi_c", "zip", "roth_erev"] = "zi_c"
    params: GameParams
    market: Annotated[RightsMarket | GreenMarket, Field(discriminator="kind")]

    @model_validator(mode="after")
    def _consistent(self) -> Preset:
        if isinstance(self.market, RightsMarket):
            if self.unit != "tce":
                raise ValueError("the energy_rights market trades tce (unit: tce)")
            if self.params.cap_share is None or self.params.allocation is None:
                raise ValueError("the energy_rights market needs params.cap_share and allocation")
        else:
            if self.unit != "MWh":
                raise ValueError("the green_power market trades MWh (unit: MWh)")
            if self.params.target_share is None:
                raise ValueError("the green_power market needs params.target_share")
            if self.rounds != len(self.market.pv_kwh_per_kwp):
                raise ValueError("rounds must equal the number of entries of pv_kwh_per_kwp")
        return self


def default_presets_dir() -> Path:
    """The repository's ``configs/classroom`` folder."""
    return Path(__file__).resolve().parents[2] / "configs" / "classroom"


def _issue(exc: ValidationError, source: str) -> PresetError:
    first = exc.errors(include_url=False)[0]
    path = ".".join(str(p) for p in first.get("loc", ())) or "<preset>"
    return PresetError(
        f"{source}: {path}", first.get("input"), str(first.get("msg", "invalid value"))
    )


def parse_preset(data: object, source: str = "preset") -> Preset:
    """Validate preset data (a mapping as read from YAML).

    Raises
    ------
    PresetError
        Naming the first bad field, its value and what is allowed.
    """
    try:
        return Preset.model_validate(data)
    except ValidationError as exc:
        raise _issue(exc, source) from None


def load_preset(path: Path) -> Preset:
    """Read and validate one preset file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PresetError("preset", str(path), "an existing preset file") from None
    except (OSError, yaml.YAMLError) as exc:
        raise PresetError("preset", str(path), f"a readable YAML file ({exc})") from None
    return parse_preset(data, path.name)


def list_presets(folder: Path) -> dict[str, Preset]:
    """Every valid preset in a folder by name (files that fail validation are skipped)."""
    presets: dict[str, Preset] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            preset = load_preset(path)
        except PresetError:
            continue
        presets[preset.name] = preset
    return presets


def updated_params(preset: Preset, current: GameParams, changes: dict[str, object]) -> GameParams:
    """Apply an instructor's changes to the rules, checking they fit the preset's market.

    Raises
    ------
    ClassroomInputError
        For an unknown field, a bad value or a rule the market does not use.
    """
    rights_only = {"cap_share", "allocation", "reserve_price_cny_per_unit"}
    green_only = {"target_share"}
    unused = rights_only if isinstance(preset.market, GreenMarket) else green_only
    for key, value in changes.items():
        if key not in GameParams.model_fields:
            allowed = ", ".join(sorted(GameParams.model_fields))
            raise PresetError(f"params.{key}", value, f"one of the fields {allowed}")
        if key in unused:
            raise PresetError(f"params.{key}", value, f"not used by the {preset.market.kind} game")
        if value is None:
            raise PresetError(f"params.{key}", value, "a value (null is not allowed)")
    merged = {**current.model_dump(), **changes}
    try:
        return GameParams.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = ".".join(str(p) for p in first.get("loc", ())) or "params"
        raise PresetError(
            f"params.{path}" if path != "params" else path,
            first.get("input"),
            str(first.get("msg", "invalid value")).removeprefix("Value error, "),
        ) from None
