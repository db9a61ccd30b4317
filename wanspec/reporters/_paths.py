"""How report formats name a file: relative to the working directory, forward slashes."""

from __future__ import annotations

import os

from ..records import Diagnostic


def display_path(file: str) -> str:
    """``file`` relative to the working directory when it lies under it, with ``/``
    separators (CI annotations and code scanning resolve paths from the checkout root)."""
    if file.startswith("<"):  # "<stdin>"
        return file
    path = os.path.normpath(file)  # "./a.json" (from linting ".") is "a.json"
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    return path.replace(os.sep, "/")


def file_uri(file: str) -> str:
    """A URI reference for ``file``: relative and percent-encoded where possible, else ``file://``."""
    from urllib.parse import quote  # only SARIF needs it: kept off the start-up path

    path = display_path(file)
    if os.path.isabs(path):
        from pathlib import Path

        return Path(path).as_uri()
    return quote(path, safe="/")


def with_url(d: Diagnostic) -> dict[str, object]:
    """``d.as_dict()`` plus ``url``: the public page its citation can be followed to."""
    from ..catalog import store  # reporters other than JSON never need the source table

    row = d.as_dict()
    row["url"] = store.source_url(d.doc)
    return row
