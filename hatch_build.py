"""Hatch build hook: the wheel ships every model schema prebuilt, with its compiled checker
as a module (see wanspec/lint/prebuilt.py and wanspec/lint/compiler.py).

The prebuilt files are written by the package's own code from ``schemas/``, into ``build/``,
and mapped to ``wanspec/schemas/_prebuilt`` in the wheel. Editable installs skip it: they
read the sources, which may change under them.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrebuiltSchemas(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        out = os.path.join(self.root, "build", "prebuilt")
        shutil.rmtree(out, ignore_errors=True)
        sys.path.insert(0, self.root)
        try:
            from wanspec.lint import prebuilt

            prebuilt.write(out)
        finally:
            sys.path.remove(self.root)
        build_data["force_include"][out] = "wanspec/schemas/_prebuilt"
