"""The language server: documents in, diagnostics, hovers, completions and fixes out.

Diagnostics are published on open and save at once, and after a change once the
document has been quiet for ``debounce`` seconds (a burst of keystrokes costs one lint).
Linting runs on the event loop: a 2,000-line payload lints in tens of milliseconds, and
one thread keeps the core's caches single-threaded. Each document keeps the snapshot of
its last lint (text, parse, diagnostics), which hover and code actions read, so they
agree with what is underlined.
"""

from __future__ import annotations

import asyncio
import math
import os
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..errors import CatalogError, UsageError
from ..lint.explain import explain
from ..project.document import DocumentLinter
from ..project.run import ProjectSettings
from ..recordtype import replace
from . import _features
from ._diagnostics import parse, problem, to_lsp
from ._text import LineIndex

DEFAULT_DEBOUNCE = 0.025  # seconds of quiet after a change before linting


class WanspecServer(LanguageServer):
    """``wanspec server``: pygls' server plus the documents' last lints."""

    def __init__(self, settings: ProjectSettings, debounce: float = DEFAULT_DEBOUNCE) -> None:
        super().__init__("wanspec", __version__)
        self.linter = DocumentLinter(settings)
        self.debounce = debounce
        self.snapshots: dict[str, _features.Snapshot] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}

    # -- settings from the client ------------------------------------------------------
    def configure(self, options: Any) -> None:
        """Apply ``initializationOptions``: the project options of ``wanspec lint``, camelCased."""
        if not isinstance(options, dict):
            return
        s = self.linter.settings
        names = {"schema": "schema", "config": "config", "baseline": "baseline"}
        lists = {"select": "select", "ignore": "ignore", "extendSelect": "extend_select"}
        changes: dict[str, Any] = {}
        for key, attr in names.items():
            if isinstance(options.get(key), str):
                changes[attr] = options[key]
        for key, attr in lists.items():
            value = options.get(key)
            if isinstance(value, str):
                value = [value]
            if isinstance(value, list):
                changes[attr] = tuple(v.strip() for item in value for v in str(item).split(",") if v.strip())
        if isinstance(options.get("isolated"), bool):
            changes["isolated"] = options["isolated"]
        ms = options.get("debounceMs")
        # a number of milliseconds, not a boolean, and finite: 1e400 reads as infinity
        if isinstance(ms, int | float) and not isinstance(ms, bool) and math.isfinite(ms) and ms >= 0:
            self.debounce = float(ms) / 1000
        if changes:
            self.linter = DocumentLinter(replace(s, **changes))

    # -- linting ----------------------------------------------------------------------------
    def _path(self, uri: str) -> str:
        path = to_fs_path(uri)
        if path is None:  # an unsaved buffer: lint it as a .json file in the working directory
            name = uri.rsplit("/", 1)[-1] or "untitled"
            path = os.path.join(os.getcwd(), name if name.endswith((".json", ".jsonl")) else f"{name}.json")
        return os.path.abspath(path)

    def lint(self, uri: str) -> None:
        """Lint the document's current text and publish the result."""
        self.pending.pop(uri, None)
        doc = self.workspace.get_text_document(uri)
        text = doc.source
        path = self._path(uri)
        index = LineIndex(text, self.workspace.position_encoding or types.PositionEncodingKind.Utf16)
        try:
            found = self.linter.lint(path, text)
            options = self.linter.options_for(path)
        except (UsageError, CatalogError) as exc:
            self.snapshots[uri] = _features.Snapshot(uri, path, text, index, parse(text), [])
            self._publish(uri, doc.version, [problem(str(exc.args[0]) if exc.args else type(exc).__name__)])
            return
        value = parse(text) if not path.endswith(".jsonl") else None
        if value is None and uri in self.snapshots:  # mid-edit: the last text that parsed still says which model
            value = self.snapshots[uri].value
        if found is None:  # the project's include/exclude leave this file out, as `wanspec lint` does
            self.snapshots[uri] = _features.Snapshot(uri, path, text, index, value, [])
            self._publish(uri, doc.version, [])
            return
        # the schema the config's globs choose for this file, for hover and completion too
        forced = (options.policy.options_for(path, options) if options.policy else options).schema
        snap = _features.Snapshot(uri, path, text, index, value, found, forced, options)
        self.snapshots[uri] = snap
        mine = [(d, where) for d, where in zip(found, snap.spans, strict=True) if d.file == path]
        self._publish(uri, doc.version, to_lsp([d for d, _ in mine], index, value, [where for _, where in mine]))

    def _publish(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def schedule(self, uri: str) -> None:
        """Lint after ``debounce`` seconds without another change."""
        handle = self.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self.pending[uri] = loop.call_later(self.debounce, self._safe_lint, uri)

    def _safe_lint(self, uri: str) -> None:
        try:
            self.lint(uri)
        except Exception as exc:  # a bug must not kill the editor's server: say it, keep serving
            self.pending.pop(uri, None)
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, f"wanspec: lint failed: {exc!r}"))

    def snapshot(self, uri: str) -> _features.Snapshot | None:
        """The document's last lint, brought up to date first if a change is still pending."""
        if uri in self.pending:
            self.pending.pop(uri).cancel()
            self._safe_lint(uri)
        snap = self.snapshots.get(uri)
        if snap is None and uri in self.workspace.text_documents:
            self._safe_lint(uri)
            snap = self.snapshots.get(uri)
        return snap


def create(settings: ProjectSettings | None = None, debounce: float = DEFAULT_DEBOUNCE) -> WanspecServer:
    """A server with every feature registered (not started)."""
    server = WanspecServer(settings or ProjectSettings(), debounce)

    @server.feature(types.INITIALIZE)
    def initialize(ls: WanspecServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: WanspecServer, params: types.DidOpenTextDocumentParams) -> None:
        ls._safe_lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: WanspecServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: WanspecServer, params: types.DidSaveTextDocumentParams) -> None:
        ls._safe_lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: WanspecServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls.pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.snapshots.pop(uri, None)
        ls._publish(uri, None, [])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: WanspecServer, params: types.HoverParams) -> types.Hover | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        return _features.hover(snap, snap.index.offset(params.position))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=['"', ":", " "]))
    def completion(ls: WanspecServer, params: types.CompletionParams) -> types.CompletionList | None:
        uri = params.text_document.uri
        if uri not in ls.workspace.text_documents:
            return None
        # completion reads the text as typed now, not the last lint's (which may be older)
        snap = ls.snapshot(uri)
        if snap is None:
            return None
        doc = ls.workspace.get_text_document(uri)
        if doc.source != snap.text:
            snap = _features.Snapshot(
                uri,
                snap.path,
                doc.source,
                LineIndex(doc.source, snap.index.encoding),
                snap.value,
                snap.diagnostics,
                snap.forced_schema,
                snap.options,
            )
        items = _features.completion(snap, snap.index.offset(params.position))
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, _features.FIX_ALL], resolve_provider=False
        ),
    )
    def code_action(ls: WanspecServer, params: types.CodeActionParams) -> list[types.CodeAction | types.Command] | None:
        snap = ls.snapshot(params.text_document.uri)
        if snap is None:
            return None
        start, end = snap.index.offset(params.range.start), snap.index.offset(params.range.end)
        only = [str(k) for k in params.context.only] if params.context.only else None
        return _features.code_actions(snap, start, end, only)

    @server.command(_features.SHOW_RULE)
    def show_rule(ls: WanspecServer, *args: Any) -> str | None:
        code = str(args[0]) if args else ""
        try:
            text = explain(code)
        except KeyError:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"unknown rule {code!r}"))
            return None
        ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
        return text

    return server
