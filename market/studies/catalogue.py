"""Message catalogues of the study report and workbook: metric names in words, with units.

The catalogues are JSON files in ``market/studies/labels/`` (``en.json``, ``zh.json``), each with
four sections: ``metrics`` (metric name → label with units), ``parts`` (sector and abatement
option names that appear in brackets, ``co2_tco2[cement]``), ``columns`` (identifier columns,
statistics and sheet names) and ``text`` (report sentences, with ``{placeholders}``). Code holds
keys only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "zh")
DEFAULT_LANGUAGE = "en"
SECTIONS: tuple[str, ...] = ("metrics", "parts", "columns", "text")
STATISTICS: tuple[str, ...] = ("mean", "p05", "p95")
RUN_PREFIX = "run."


@dataclass(frozen=True)
class Catalogue:
    """The labels of one language.

    Attributes
    ----------
    language
        ``"en"`` or ``"zh"``.
    metrics, parts, columns, text
        The catalogue's sections.
    """

    language: str
    metrics: Mapping[str, str]
    parts: Mapping[str, str]
    columns: Mapping[str, str]
    text: Mapping[str, str]

    def metric(self, name: str) -> str:
        """Label of a metric; ``base[part]`` gives the base's label and the part's name.

        A name the catalogue lacks is returned as it is.

        Examples
        --------
        >>> load_catalogue("en").metric("co2_tco2[cement]")
        'CO2 emissions [tCO2]: cement'
        """
        base, part = split_metric(name)
        label = self.metrics.get(base, base)
        if part is None:
            return label
        return f"{label}: {self.parts.get(part, part)}"

    def column(self, name: str) -> str:
        """Header of a table column: identifiers, metrics, ``<metric>_<statistic>`` of the
        summary and ``run.<metric>`` of the runs table."""
        if name in self.columns:
            return self.columns[name]
        if name.startswith(RUN_PREFIX):
            return f"{self.metric(name[len(RUN_PREFIX) :])} ({self.columns['whole_run']})"
        base, _, statistic = name.rpartition("_")
        if base and statistic in STATISTICS and knows(self, base):
            return f"{self.metric(base)} ({self.columns[statistic]})"
        return self.metric(name)

    def t(self, key: str, **values: Any) -> str:
        """A report sentence with its placeholders filled."""
        return self.text[key].format(**values)


def split_metric(name: str) -> tuple[str, str | None]:
    """``"co2_tco2[cement]"`` → ``("co2_tco2", "cement")``; no brackets → ``(name, None)``."""
    if name.endswith("]") and "[" in name:
        base, part = name[:-1].split("[", 1)
        return base, part
    return name, None


def knows(catalogue: Catalogue, name: str) -> bool:
    """Whether ``catalogue`` has a label for metric ``name`` (and its bracketed part)."""
    base, part = split_metric(name)
    return base in catalogue.metrics and (part is None or part in catalogue.parts)


@lru_cache(maxsize=len(LANGUAGES))
def load_catalogue(language: str = DEFAULT_LANGUAGE) -> Catalogue:
    """The catalogue of ``language`` (one of :data:`LANGUAGES`).

    Raises
    ------
    ValueError
        For a language without a catalogue.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r}; allowed: {', '.join(LANGUAGES)}")
    text = resources.files("market.studies").joinpath("labels", f"{language}.json")
    data = json.loads(text.read_text(encoding="utf-8"))
    return Catalogue(language, *(dict(data[section]) for section in SECTIONS))
