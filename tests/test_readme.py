"""The README's quick start is what CI runs, word for word."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_commands():
    assert _quick_start() == ["pip install . && wanspec lint examples/", "pip install '.[test]' && pytest"]


def test_ci_runs_both_commands_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    first, second = _quick_start()
    assert f"{first} || status=$?" in ci
    assert ci.rstrip().endswith(second)
