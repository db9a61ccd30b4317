"""ARCHITECTURE.md's package map names every package and module the tree has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wanspec"
DOC = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
#: packages whose modules the map lists one by one
DETAILED = ("catalog", "lint", "project", "cli", "contract/checks", "contract/loopback")


def _package_map() -> str:
    section = DOC.split("## Packages", 1)[1]
    return section.split("```", 2)[1]


def test_every_package_and_top_level_module_is_on_the_map():
    words = set(re.findall(r"[\w.]+/?", _package_map()))
    missing = []
    for path in sorted(PACKAGE.iterdir()):
        if path.name.startswith("__") or path.name == "py.typed":
            continue
        name = f"{path.name}/" if path.is_dir() else path.name
        if name not in words and name.removesuffix(".py") not in words:
            missing.append(name)
    assert missing == []


def test_every_module_of_the_core_packages_is_on_the_map():
    text = _package_map()
    missing = [
        f"{package}/{module.stem}"
        for package in DETAILED
        for module in sorted((PACKAGE / package).glob("*.py"))
        if module.stem != "__init__" and not re.search(rf"(?<![\w/]){re.escape(module.stem)}\b", text)
    ]
    assert missing == []


def test_each_package_says_what_it_holds():
    empty = [
        str(init.relative_to(ROOT))
        for init in PACKAGE.rglob("__init__.py")
        if not (init.read_text(encoding="utf-8").lstrip().startswith('"""'))
    ]
    assert empty == []
