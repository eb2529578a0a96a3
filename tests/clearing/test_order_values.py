"""Per-order figures of a clearing: an immutable mapping from order id to a number."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from clearing import clear
from clearing.order_values import OrderValues
from tests.clearing.book_factories import buy, sell


def _values() -> OrderValues:
    return OrderValues(["b", "s", "x"], np.array([2.0, -1.5, 0.0]))


def test_behaves_as_a_read_only_mapping_in_book_order() -> None:
    values = _values()
    assert list(values) == ["b", "s", "x"]
    assert len(values) == 3
    assert values["s"] == -1.5
    assert values.get("nope") is None
    assert values.get("nope", 7.0) == 7.0
    assert "x" in values and "y" not in values
    assert dict(values) == {"b": 2.0, "s": -1.5, "x": 0.0}
    assert list(values.items()) == [("b", 2.0), ("s", -1.5), ("x", 0.0)]
    with pytest.raises(KeyError):
        values["nope"]
    with pytest.raises(TypeError):
        values["b"] = 1.0  # type: ignore[index]


def test_compares_equal_to_mappings_with_the_same_items() -> None:
    values = _values()
    assert values == {"b": 2.0, "s": -1.5, "x": 0.0}
    assert {"b": 2.0, "s": -1.5, "x": 0.0} == values  # noqa: SIM300 (the reflected ==)
    assert values != {"b": 2.0, "s": -1.5}
    assert values == _values()
    assert values != [("b", 2.0)]


def test_values_are_python_floats() -> None:
    assert all(type(v) is float for v in _values().values())


def test_the_caller_cannot_change_the_figures_through_the_array_it_passed() -> None:
    array = np.array([1.0, 2.0])
    values = OrderValues(["a", "b"], array)
    array[0] = 99.0
    assert values["a"] == 1.0
    copy = values.to_array()
    copy[1] = -5.0
    assert values["b"] == 2.0


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="2 ids but 1 values"):
        OrderValues(["a", "b"], np.array([1.0]))


def test_survives_pickling() -> None:
    values = _values()
    assert pickle.loads(pickle.dumps(values)) == values


def test_clearing_result_reports_untraded_orders_as_exact_zeros() -> None:
    result = clear([buy("b", 2.0, 50.0), sell("s", 1.0, 40.0), sell("t", 1.0, 60.0)])
    assert dict(result.accepted) == {"b": 1.0, "s": 1.0, "t": 0.0}
    # b is accepted in part, so its bid sets the price.
    assert dict(result.payments) == {"b": 50.0, "s": -50.0, "t": 0.0}
    assert str(result.payments["t"]) == "0.0"  # not -0.0
