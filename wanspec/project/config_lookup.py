"""Finding the project config: the nearest directory, upwards, with wanspec configuration.

Kept apart from ``_config`` so that a run without any config file (most pre-commit runs)
pays for a few ``stat`` calls and nothing else: no TOML parser, no validator.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ..errors import ConfigError
from ..inputs import read_consulted

CONFIG_NAMES = ("wanspec.toml", "pyproject.toml")
_MAX_PYPROJECT_BYTES = 4 * 1024 * 1024  # a pyproject.toml is a few kilobytes
# `[tool.wanspec]`, `[tool.wanspec.x]`, `tool.wanspec.x = …` or `wanspec = {…}` under `[tool]`:
# a pyproject.toml that only names wanspec as a dependency is not parsed
_MENTIONS_TOOL_WANSPEC = re.compile(
    r'^\s*(\[\s*tool\s*\.\s*"?wanspec"?\s*[\].]|tool\s*\.\s*"?wanspec"?\s*\.|"?wanspec"?\s*=\s*\{)', re.M
)


def find_config(start: str) -> str | None:
    """The nearest file at or above ``start`` that holds wanspec configuration."""
    here = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(here, name)
            if os.path.isfile(candidate) and _has_config(candidate):
                return candidate
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def _has_config(path: str) -> bool:
    if os.path.basename(path) != "pyproject.toml":
        return True
    data = read_consulted(path, _MAX_PYPROJECT_BYTES)
    if data is None:
        return False
    text = data.decode("utf-8", errors="replace")
    if not _MENTIONS_TOOL_WANSPEC.search(text):  # most pyproject.toml files: no TOML parse needed
        return False
    tool = parse_toml(path, text).get("tool")
    return isinstance(tool, dict) and "wanspec" in tool


def parse_toml(path: str, text: str) -> dict[str, Any]:
    """Parse a TOML file; a mistake is a ConfigError naming the file."""
    import tomllib  # only a project with a config file pays for the parser

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ConfigError(f"{path}: not a wanspec config: values nested thousands of levels deep") from None
    except ValueError as exc:  # int() of more than 4,300 digits
        raise ConfigError(f"{path}: a value cannot be read ({str(exc).split(':')[0]})") from None
