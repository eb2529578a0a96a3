"""Pydantic v2 schema of a study file (``configs/studies/*.yaml``).

A study names a base scenario, the seeds every variant runs on (common random numbers), an
optional span of years and the variants, each a set of overrides of the base scenario's fields.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from market.config.schema import Name

MAX_SEED = 2**63 - 1
MAX_RUNS = 100_000
MAX_YEARS = 40
MAX_SWEEP_POINTS = 400
MAX_SWEEP_VALUES = 50
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]

SEED_LIST_TAG = "seed_list"
SEED_RANGE_TAG = "seed_range"


class StrictStudyModel(BaseModel):
    """Base model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SeedRange(StrictStudyModel):
    """``count`` consecutive seeds starting at ``first``."""

    count: Annotated[int, Field(ge=1, le=10_000)]
    first: Seed = 1

    @model_validator(mode="after")
    def _fits(self) -> SeedRange:
        if self.first + self.count - 1 > MAX_SEED:
            raise ValueError(f"first + count - 1 must not exceed {MAX_SEED}")
        return self

    def as_list(self) -> list[int]:
        """Return the seeds in increasing order."""
        return list(range(self.first, self.first + self.count))


def _seed_kind(value: Any) -> str:
    return SEED_RANGE_TAG if isinstance(value, dict | SeedRange) else SEED_LIST_TAG


SeedList = Annotated[list[Seed], Field(min_length=1, max_length=10_000)]
SeedsSpec = Annotated[
    Annotated[SeedList, Tag(SEED_LIST_TAG)] | Annotated[SeedRange, Tag(SEED_RANGE_TAG)],
    Discriminator(_seed_kind),
]


class YearsSpec(StrictStudyModel):
    """Calendar years simulated by every run, ``start`` to ``end`` inclusive."""

    start: Annotated[int, Field(ge=2000, le=2100)]
    end: Annotated[int, Field(ge=2000, le=2100)]

    @model_validator(mode="after")
    def _ordered(self) -> YearsSpec:
        if self.end < self.start:
            raise ValueError(f"end={self.end} must not be before start={self.start}")
        if self.end - self.start + 1 > MAX_YEARS:
            raise ValueError(f"at most {MAX_YEARS} years (got {self.end - self.start + 1})")
        return self


class VariantConfig(StrictStudyModel):
    """One policy variant: overrides deep-merged into the base scenario."""

    name: Name
    description: str = Field(default="", max_length=2000)
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Scenario fields to change: dotted keys ('parks.0.operator.strategy') "
        "and/or nested mappings; list items by index.",
    )
    sweep_point: dict[str, Any] = Field(
        default_factory=dict,
        description="The sweep values of this variant (set when the study's sweep expands it).",
    )


def _value_label(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sweep_labels(keys: list[str]) -> list[str]:
    """Short labels of sweep keys: the last path part, or the whole path where two collide."""
    last = [key.split(".")[-1] for key in keys]
    return [k if last.count(k) == 1 else full for k, full in zip(last, keys, strict=True)]


def expand_sweep(data: dict[str, Any]) -> dict[str, Any]:
    """Replace a study's ``sweep`` grid by one variant per grid point (and listed variant).

    Each grid point applies its values on top of each listed variant's overrides (or of the base
    scenario when no variants are listed); names are ``<variant>__<key>_<value>__...`` with the
    variant part left out when no variants are listed.
    """
    sweep = data.get("sweep")
    if sweep is None:
        return data
    if not isinstance(sweep, dict) or not sweep:
        raise ValueError("sweep must map scenario paths to lists of values")
    keys = [str(k) for k in sweep]
    for key, values in sweep.items():
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_SWEEP_VALUES:
            raise ValueError(f"sweep.{key} must be a list of 1 to {MAX_SWEEP_VALUES} values")
        for value in values:
            if not (value is None or isinstance(value, bool | int | float | str)):
                raise ValueError(f"sweep.{key} values must be numbers, text, true/false or null")
    points = list(itertools.product(*(sweep[k] for k in keys)))
    listed = data.get("variants")
    bases = listed if isinstance(listed, list) and listed else [{"name": "", "overrides": {}}]
    if len(points) * len(bases) > MAX_SWEEP_POINTS:
        raise ValueError(
            f"the sweep makes {len(points) * len(bases)} variants; at most {MAX_SWEEP_POINTS}"
        )
    labels = sweep_labels(keys)
    variants: list[dict[str, Any]] = []
    for base in bases:
        if not isinstance(base, dict):
            return data  # the variants' own validation reports it
        for point in points:
            parts = [f"{label}_{_value_label(v)}" for label, v in zip(labels, point, strict=True)]
            prefix = [str(base.get("name"))] if base.get("name") else []
            overrides = copy.deepcopy(base.get("overrides") or {})
            if not isinstance(overrides, dict):
                return data
            overrides.update(dict(zip(keys, point, strict=True)))
            variants.append(
                {
                    **{k: v for k, v in base.items() if k not in ("name", "overrides")},
                    "name": "__".join(prefix + parts),
                    "overrides": overrides,
                    "sweep_point": dict(zip(keys, point, strict=True)),
                }
            )
    return {**data, "variants": variants}


class StudyConfig(StrictStudyModel):
    """A complete study: base scenario, seeds, years and variants."""

    name: Name
    description: str = Field(default="", max_length=2000)
    base: Annotated[str, Field(min_length=1)] = Field(
        description="Scenario YAML file, relative to the study file."
    )
    seeds: SeedsSpec = Field(description="A list of seeds, or {count, first}.")
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Overrides applied to the base scenario for every variant, before the "
        "variant's own (same forms as a variant's overrides).",
    )
    years: YearsSpec | None = None
    representative_days_per_month: Annotated[int, Field(ge=1, le=31)] | None = None
    sweep: dict[str, list[Any]] | None = Field(
        default=None,
        description="A grid of values per scenario path ('parks.0.shared_assets.pv_kwp': "
        f"[0, 5000]); every combination becomes a variant (at most {MAX_SWEEP_POINTS}).",
    )
    variants: Annotated[list[VariantConfig], Field(min_length=1, max_length=1000)]

    @model_validator(mode="before")
    @classmethod
    def _sweep_into_variants(cls, data: Any) -> Any:
        return expand_sweep(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _unique_and_bounded(self) -> StudyConfig:
        names = [v.name for v in self.variants]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"variant names must be unique; repeated: {duplicates}")
        seeds = self.seed_list()
        repeated = sorted(s for s, n in Counter(seeds).items() if n > 1)
        if repeated:
            raise ValueError(f"seeds must be unique; repeated: {repeated}")
        if len(seeds) * len(self.variants) > MAX_RUNS:
            raise ValueError(
                f"variants x seeds must not exceed {MAX_RUNS} runs "
                f"(got {len(self.variants)} x {len(seeds)})"
            )
        return self

    def seed_list(self) -> list[int]:
        """Return the seeds every variant runs on, in the order given."""
        return self.seeds.as_list() if isinstance(self.seeds, SeedRange) else list(self.seeds)
