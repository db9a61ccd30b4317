"""Lint one document the way ``wanspec lint`` would lint its file, for editors.

A language server sees a document's text (not yet saved) under its file's path and must
report what ``wanspec lint FILE`` would: the project config, merged with the editor's
settings exactly as ``lint_project`` merges the command line's (``run.merged_options``), the
config's per-file schema, ignores, severities and include/exclude, then its suppressions
and a baseline (``run.accepted_findings``). One difference, on purpose: the config is the nearest
one above the *document*, not above the working directory, as each file in an editor may
belong to another project. The config is read again only when its file changes (a
``stat`` per lint), so a keystroke costs the lint and little else.

Mistakes in the config or the baseline raise ``UsageError``, as they make ``wanspec lint``
exit 2; the caller says so instead of showing a clean file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..lint.run import LintOptions, lint_bytes
from ..records import Diagnostic
from ..recordtype import field, recordclass, replace
from .config_lookup import find_config
from .run import ProjectSettings, accepted_findings, load_config_for, merged_options

if TYPE_CHECKING:
    from .config import ProjectConfig

__all__ = ["DocumentLinter"]


def _stamp(path: str | None) -> tuple[str, float, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1.0, -1)
    return (path, st.st_mtime, st.st_size)


@recordclass(frozen=False, slots=False)
class _Loaded:
    stamp: tuple[str, float, int] | None
    options: LintOptions
    config: ProjectConfig | None


@recordclass(frozen=False, slots=False)
class DocumentLinter:
    """Lints documents under ``settings`` (only its project options are used: schema,
    selection, config, isolated, baseline); keeps the configs it has read, by file."""

    settings: ProjectSettings = field(default_factory=ProjectSettings)
    _projects: dict[str | None, _Loaded] = field(default_factory=dict)

    def config_path(self, path: str) -> str | None:
        """The config file that applies to ``path`` (None: no config, or isolated)."""
        s = self.settings
        if s.isolated:
            if s.config is not None:
                raise UsageError("config and isolated contradict each other")
            return None
        if s.config is not None:
            return s.config
        return find_config(os.path.dirname(os.path.abspath(path)))

    def _load(self, config_path: str | None) -> _Loaded:
        stamp = _stamp(config_path)
        cached = self._projects.get(config_path)
        if cached is not None and cached.stamp == stamp:
            return cached
        config = None
        if config_path is not None:
            config = load_config_for(replace(self.settings, config=config_path, isolated=False))
        loaded = _Loaded(stamp, merged_options(self.settings, config), config)
        self._projects[config_path] = loaded
        return loaded

    def options_for(self, path: str) -> LintOptions:
        """The lint options for ``path`` (the config's per-file choices are applied by the linter)."""
        return self._load(self.config_path(path)).options

    def lint(self, path: str, text: str) -> list[Diagnostic] | None:
        """The diagnostics ``wanspec lint PATH`` would print for ``text`` saved at ``path``.

        None when the project's include/exclude leave the file out (it is not linted).
        Findings about other files (an unused suppression is reported on the config) are
        not returned.
        """
        path = os.path.abspath(path)
        project = self._load(self.config_path(path))
        options = project.options
        if options.policy is not None and not options.policy.keeps(path):
            return None
        result = lint_bytes(path, text.encode("utf-8", "surrogatepass"), options)
        accepted = accepted_findings(self.settings, project.config, (path,), options)
        if accepted is None:
            return result.diagnostics
        return [d for d in result.diagnostics if accepted.keep(d)]
