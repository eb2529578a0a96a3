"""Tests for the lazy re-exports of the devices package."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import agents.devices as devices


def test_every_exported_name_resolves_to_its_module_object() -> None:
    for name in devices.__all__:
        module = importlib.import_module(f"agents.devices.{devices._MODULE_OF[name]}")
        assert getattr(devices, name) is getattr(module, name)


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_device"):
        devices.no_such_device  # noqa: B018


def test_importing_one_device_module_does_not_load_pvlib() -> None:
    code = "import sys, agents.devices.thermal_storage; print('pvlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
