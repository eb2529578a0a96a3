"""Deep-merging overrides: dotted keys, nested mappings, list indices, errors."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market.studies import OverrideError, apply_overrides

BASE: dict[str, Any] = {
    "name": "s",
    "accounting": {"electricity_accounting": "equivalent", "renewable_exclusion": True},
    "parks": [
        {"name": "p", "firms": [{"name": "a", "output_t_per_yr": 1.0}, {"name": "b"}]},
        {"name": "q", "firms": [{"name": "c"}]},
    ],
}


def test_dotted_key_sets_a_nested_field_and_keeps_its_siblings() -> None:
    out = apply_overrides(BASE, {"accounting.electricity_accounting": "thermal_equivalent"})
    assert out["accounting"] == {
        "electricity_accounting": "thermal_equivalent",
        "renewable_exclusion": True,
    }


def test_nested_mapping_merges_rather_than_replaces() -> None:
    out = apply_overrides(BASE, {"accounting": {"renewable_exclusion": False}})
    assert out["accounting"] == {
        "electricity_accounting": "equivalent",
        "renewable_exclusion": False,
    }


def test_list_index_in_a_dotted_key() -> None:
    out = apply_overrides(BASE, {"parks.0.firms.1.output_t_per_yr": 5.0})
    assert out["parks"][0]["firms"][1] == {"name": "b", "output_t_per_yr": 5.0}
    assert out["parks"][1] == BASE["parks"][1]


def test_list_index_as_a_nested_key_and_mixed_forms() -> None:
    out = apply_overrides(BASE, {"parks": {1: {"firms.0.name": "z"}}, "parks.0.name": "pp"})
    assert out["parks"][1]["firms"][0]["name"] == "z"
    assert out["parks"][0]["name"] == "pp"


def test_missing_levels_are_created() -> None:
    out = apply_overrides(BASE, {"markets.energy_rights.allocation.rule": "auction"})
    assert out["markets"] == {"energy_rights": {"allocation": {"rule": "auction"}}}


def test_a_list_value_replaces_the_whole_list() -> None:
    out = apply_overrides(BASE, {"parks.0.firms": [{"name": "only"}]})
    assert out["parks"][0]["firms"] == [{"name": "only"}]


def test_base_is_not_changed() -> None:
    before = copy.deepcopy(BASE)
    apply_overrides(BASE, {"parks.0.firms.0.output_t_per_yr": 9.0, "accounting": {"x": 1}})
    assert before == BASE


@pytest.mark.parametrize(
    ("overrides", "key", "fragment"),
    [
        ({"parks.2.name": "x"}, "parks.2", "0 to 1"),
        ({"parks.first.name": "x"}, "parks.first", "list index"),
        ({"parks": {"-1": {"name": "x"}}}, "parks.-1", "list index"),
        ({"name.first": "x"}, "name.first", "holds a str"),
        ({"accounting..rule": "x"}, "accounting..rule", "empty segments"),
    ],
)
def test_bad_paths_raise_a_named_error(overrides: dict[str, Any], key: str, fragment: str) -> None:
    with pytest.raises(OverrideError) as info:
        apply_overrides(BASE, overrides)
    assert info.value.key == key
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


keys = st.text(alphabet="abcdef", min_size=1, max_size=3)
leaf = st.one_of(st.integers(), st.text(max_size=3), st.booleans())


@given(st.lists(keys, min_size=1, max_size=4), leaf)
def test_dotted_and_nested_forms_are_equivalent(path: list[str], value: Any) -> None:
    nested: Any = value
    for part in reversed(path):
        nested = {part: nested}
    dotted = apply_overrides({"keep": 1}, {".".join(path): value})
    assert dotted == apply_overrides({"keep": 1}, nested)
    node: Any = dotted
    for part in path:
        node = node[part]
    assert node == value
    assert dotted["keep"] == 1  # keys are drawn from 'abcdef', so never 'keep'
