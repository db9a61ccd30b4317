"""Hatch build hook: what the wheel ships beyond the sources.

1. Every model schema prebuilt, with its compiled checker as a module (see
   wanspec/lint/prebuilt.py and wanspec/lint/compiler.py). The prebuilt files are written
   by the package's own code from ``schemas/``, into ``build/``, and mapped to
   ``wanspec/schemas/_prebuilt`` in the wheel. Editable installs skip them: they read the
   sources, which may change under them.
2. The compiled JSON reader, ``wanspec/lint/_fastjson.c`` (see wanspec/lint/speedups.py),
   built with setuptools' compiler support for the interpreter that builds the wheel. The
   wheel is then tagged for that interpreter and platform. Without a C compiler (or with
   ``WANSPEC_PURE_PYTHON=1``) the wheel is pure Python and lints the same, more slowly;
   ``WANSPEC_REQUIRE_EXTENSIONS=1`` makes that a build error instead (release builds).
   An editable install builds the extension beside its source, where the import finds it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from typing import Any

try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # read without hatchling (tests/test_fastjson.py takes source_digest)
    BuildHookInterface = object

EXTENSION = "wanspec.lint._fastjson"
SOURCES = ("wanspec/lint/_fastjson.c",)
DEPENDS = ("wanspec/lint/_fastjson_impl.h", "wanspec/lint/_fastcheck.h", "wanspec/lint/_fastmedia.h")


def source_digest(root: str) -> str:
    """SHA-256 of the extension's sources: compiled into it, so a test can tell an
    extension built from other sources (``_fastjson.SOURCE_DIGEST``)."""
    h = hashlib.sha256()
    for rel in (*SOURCES, *DEPENDS):
        with open(os.path.join(root, rel), "rb") as f:
            h.update(rel.encode() + b"\0" + f.read() + b"\0")
    return h.hexdigest()


def _flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def build_extension(root: str, out: str, *, inplace: bool = False) -> str | None:
    """Compile the extension into ``out`` (a package tree); its path, or None when this
    machine cannot (the reason is printed, and raised with WANSPEC_REQUIRE_EXTENSIONS)."""
    if _flag("WANSPEC_PURE_PYTHON"):
        print("wanspec: WANSPEC_PURE_PYTHON is set: building without the compiled JSON reader", file=sys.stderr)
        return None
    try:
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        ext = Extension(
            EXTENSION,
            [os.path.join(root, s) for s in SOURCES],
            depends=[os.path.join(root, d) for d in DEPENDS],
            define_macros=[("WANSPEC_SOURCE_DIGEST", f'"{source_digest(root)}"')],
        )
        dist = Distribution({"name": "wanspec", "ext_modules": [ext]})
        cmd = build_ext(dist)
        cmd.build_lib = out
        cmd.build_temp = tempfile.mkdtemp(prefix="wanspec-build-")
        cmd.inplace = False
        cmd.force = True
        cmd.ensure_finalized()
        try:
            cmd.run()
        finally:
            shutil.rmtree(cmd.build_temp, ignore_errors=True)
        built = cmd.get_ext_fullpath(EXTENSION)
    except Exception as exc:  # no compiler, no headers, no setuptools: a pure wheel
        reason = f"wanspec: the compiled JSON reader was not built ({type(exc).__name__}: {exc})"
        if _flag("WANSPEC_REQUIRE_EXTENSIONS"):
            raise RuntimeError(reason + "; WANSPEC_REQUIRE_EXTENSIONS is set") from exc
        print(reason + "; the wheel lints in pure Python", file=sys.stderr)
        return None
    if inplace:
        target = os.path.join(root, os.path.relpath(built, out))
        shutil.copyfile(built, target + ".tmp")
        os.replace(target + ".tmp", target)
        return target
    return built


class PrebuiltSchemas(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        build = os.path.join(self.root, "build")
        if version == "editable":
            build_extension(self.root, os.path.join(build, "ext-editable"), inplace=True)
            return
        out = os.path.join(build, "prebuilt")
        shutil.rmtree(out, ignore_errors=True)
        sys.path.insert(0, self.root)
        try:
            from wanspec.lint import prebuilt

            prebuilt.write(out)
        finally:
            sys.path.remove(self.root)
        build_data["force_include"][out] = "wanspec/schemas/_prebuilt"
        ext_out = os.path.join(build, "ext")
        shutil.rmtree(ext_out, ignore_errors=True)
        built = build_extension(self.root, ext_out)
        if built is not None:
            build_data["force_include"][built] = os.path.relpath(built, ext_out).replace(os.sep, "/")
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
