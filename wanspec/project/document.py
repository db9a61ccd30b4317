"""Lint one document the way ``wanspec lint`` would lint its file, for editors.

A language server sees a document's text (not yet saved) under its file's path and must
report what ``wanspec lint`` would: the project config found from the file's directory,
merged with the editor's settings as the command line would be (``select`` replaces the
config's, ``ignore`` and ``extend_select`` add), the config's per-file schema, ignores,
severities and include/exclude, then the config's suppressions and a baseline hiding
accepted findings. The config and baseline are read once and read again only when their
files change (one ``stat`` each per call), so a keystroke costs the lint and little else.

Mistakes in the config or the baseline raise ``UsageError``, as they make ``wanspec lint``
exit 2; the caller says so instead of showing a clean file.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..lint.run import LintOptions, lint_bytes, validate_options
from ..records import Diagnostic

if TYPE_CHECKING:
    from .baseline import Key
    from .config import ProjectConfig


def merge_options(options: LintOptions, config: ProjectConfig | None, extend_select: tuple[str, ...]) -> LintOptions:
    """The command line's (or editor's) options merged with a config, as ``wanspec lint`` merges them:
    ``select`` replaces the config's, ``ignore`` adds to it, ``extend_select`` extends either."""
    if config is not None:
        select = options.select or config.select
        if select:
            select = (*select, *config.extend_select, *extend_select)
        ignore = (*config.ignore, *options.ignore)
        return dataclasses.replace(options, select=tuple(select), ignore=ignore, policy=config.policy)
    if extend_select and options.select:
        return dataclasses.replace(options, select=(*options.select, *extend_select))
    return options


@dataclass(frozen=True, slots=True)
class DocumentSettings:
    """The project options of ``wanspec lint`` that an editor can set (same meanings)."""

    schema: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    config: str | None = None  # None: discovered upwards from the document's directory
    isolated: bool = False
    baseline: str | None = None


def _stamp(path: str | None) -> tuple[str, float, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1.0, -1)
    return (path, st.st_mtime, st.st_size)


@dataclass
class _Loaded:
    stamps: tuple[tuple[str, float, int] | None, ...]
    options: LintOptions
    config: ProjectConfig | None
    baseline: Counter[Key] | None


@dataclass
class DocumentLinter:
    """Lints documents under ``settings``; keeps the projects it has loaded, by config file."""

    settings: DocumentSettings = field(default_factory=DocumentSettings)
    _projects: dict[str | None, _Loaded] = field(default_factory=dict)

    def config_path(self, path: str) -> str | None:
        """The config file that applies to ``path`` (None: no config, or isolated)."""
        s = self.settings
        if s.isolated:
            if s.config is not None:
                from ..lint.run import UsageError

                raise UsageError("config and isolated contradict each other")
            return None
        if s.config is not None:
            return s.config
        from .config_lookup import find_config

        return find_config(os.path.dirname(os.path.abspath(path)))

    def _load(self, config_path: str | None) -> _Loaded:
        stamps = (_stamp(config_path), _stamp(self.settings.baseline))
        cached = self._projects.get(config_path)
        if cached is not None and cached.stamps == stamps:
            return cached
        from ..lint.run import UsageError

        s = self.settings
        options = LintOptions(s.schema, s.select, s.ignore)
        config: ProjectConfig | None = None
        if config_path is not None:
            if not os.path.isfile(config_path):
                raise UsageError(f"config file {config_path} does not exist")
            from .config import load_config

            config = load_config(config_path)
        options = merge_options(options, config, s.extend_select)
        validate_options(options)
        baseline = None
        if s.baseline is not None:
            from .baseline import read_baseline

            baseline = read_baseline(s.baseline)
        loaded = _Loaded(stamps, options, config, baseline)
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
        config = project.config
        if project.baseline is None and (config is None or not config.suppressions):
            return result.diagnostics
        from .baseline import Accepted

        accepted = Accepted(
            baseline=project.baseline or Counter(),
            baseline_base=os.path.dirname(os.path.abspath(self.settings.baseline or ".")),
            suppressions=config.suppressions if config else (),
            suppressions_base=config.base if config else ".",
        )
        kept: list[Diagnostic] = []
        sink = accepted.sink(kept.append)
        for d in result.diagnostics:
            sink(d)
        return kept
