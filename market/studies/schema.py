"""Pydantic v2 schema of a study file (``configs/studies/*.yaml``).

A study names a base scenario, the seeds every variant runs on (common random numbers), an
optional span of years and the variants, each a set of overrides of the base scenario's fields.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from market.config.schema import Name

MAX_SEED = 2**63 - 1
MAX_RUNS = 100_000
MAX_YEARS = 40
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
    variants: Annotated[list[VariantConfig], Field(min_length=1, max_length=1000)]

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
