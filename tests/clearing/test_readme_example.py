"""The README's "Clearing from Python" example runs and gives what its comments say."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_clearing_example() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Clearing from Python", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    result, table, spec = namespace["result"], namespace["table"], namespace["spec"]
    assert (result.price, result.volume, result.accepted["b1"], result.payments["s1"]) == (
        50.0, 3.0, 3.0, -150.0
    )
    again = namespace["clear"](table, spec)
    assert again.accepted == result.accepted and again.payments == result.payments
    assert again.price == result.price and again.welfare == result.welfare
