"""``wanspec server``: a Language Server Protocol server for payload files (the ``lsp`` extra).

Editors get the linter's own findings as they type, with the same codes, severities and
messages as ``wanspec lint`` (the project config, per-file choices, suppressions and a
baseline included), quick fixes for everything ``wanspec lint --fix`` repairs, the rule's
documentation and the allowed values on hover, and completion of model ids, keys, enum
values and width×height pairs. See docs/editors.md for editor set-up.

Needs pygls (``pip install 'wanspec[lsp]'``); importing this package without it raises
ImportError naming the extra.
"""

from __future__ import annotations

from typing import BinaryIO

try:
    import lsprotocol  # noqa: F401
    import pygls  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by the CLI test with the import blocked
    raise ImportError("wanspec server needs the 'lsp' extra: pip install 'wanspec[lsp]'") from exc

from ..project.run import ProjectSettings
from ._server import DEFAULT_DEBOUNCE, WanspecServer, create

__all__ = ["DEFAULT_DEBOUNCE", "ProjectSettings", "WanspecServer", "create", "serve"]


def serve(
    settings: ProjectSettings | None = None,
    *,
    debounce: float = DEFAULT_DEBOUNCE,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
) -> None:
    """Serve the protocol over standard input and output until the client says exit."""
    create(settings, debounce).start_io(stdin, stdout)
