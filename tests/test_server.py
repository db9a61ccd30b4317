"""`wanspec server` end to end: a real LSP client (pytest-lsp) drives the server over stdio.

The server runs as a subprocess (`python -m wanspec server`); every request and
notification goes through the protocol: initialize, open, change, diagnostics, hover,
completion, code action, execute command, shutdown. What the server publishes is compared
with `wanspec lint --format json` on the same text.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
import pytest_lsp
from conftest import GOLDEN
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from wanspec.project.fix import Edit, apply
from wanspec.server._features import FIX_ALL

SERVER = [sys.executable, "-m", "wanspec", "server", "--debounce-ms", "20"]

#: The issue's payload: Wan2.6 Flash with a 1920×1920 size, a misspelt key and a string width.
FLASH = """{
  "taskType": "videoInference",
  "taskUUID": "9b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e",
  "model": "alibaba:wan@2.6-flash",
  "positivePrompt": "A fox trots through fresh snow",
  "width": "1920",
  "height": 1920,
  "durtion": 5,
  "inputs": {"frameImages": [{"image": "https://assets.example.com/fox.jpg"}]}
}
"""
FLASH_PAIRS = "1280×720, 720×1280, 960×960, 1088×832, 832×1088, 1920×1080, 1080×1920, 1440×1440, 1632×1248, 1248×1632"


# one server for the module (starting one costs about a second); each test uses its own files
@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), scope="module")
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"), initialization_options={})
    )
    yield
    await lsp_client.shutdown_session()


def _pos(text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    """LSP position of the ``nth`` occurrence of ``needle`` (plus ``delta`` characters); ASCII text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    return types.Position(line, at - (text.rfind("\n", 0, at) + 1))


def _offset(text: str, pos: types.Position) -> int:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    return starts[pos.line] + pos.character


async def _open(client: LanguageClient, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
    )
    await _until(client, uri, lambda _: True)
    return uri


async def _until(client: LanguageClient, uri: str, check) -> list[types.Diagnostic]:
    """Wait for diagnostics of ``uri`` that pass ``check`` (the server is shared by the module,
    so a notification may be about another document)."""
    for _ in range(100):
        got = client.diagnostics.get(uri)
        if got is not None and check(list(got)):
            return list(got)
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30)
    raise AssertionError(f"no diagnostics as expected for {uri}: {client.diagnostics.get(uri)}")


def _lint_json(run_cli, path: Path) -> list[dict]:
    run = run_cli("lint", "--format", "json", str(path))
    return run.json()["diagnostics"] if run.stdout else []


@pytest.mark.asyncio(loop_scope="module")
async def test_the_issue_payload_diagnostics_hover_completion_and_fix(client: LanguageClient, tmp_path, run_cli):
    path = tmp_path / "flash.json"
    uri = await _open(client, path, FLASH)
    got = client.diagnostics[uri]

    # identical to `wanspec lint`: codes, severities, messages, start positions
    expected = _lint_json(run_cli, path)
    assert [(d.code, d.message) for d in got] == [(e["code"], e["message"]) for e in expected]
    assert {d.code for d in got} == {"WS401", "WS112", "WS100"}
    for d, e in zip(got, expected, strict=True):
        assert d.source == "wanspec"
        assert d.severity == types.DiagnosticSeverity.Error == {"error": 1}[e["severity"]]

    # WS401 covers the two members the pair rule is about, from "width" to height's value
    ws401 = next(d for d in got if d.code == "WS401")
    assert ws401.range.start == _pos(FLASH, '"width"')
    assert ws401.range.end == _pos(FLASH, '"height": 1920', delta=len('"height": 1920'))
    assert ws401.code_description is not None
    assert ws401.code_description.href == "https://runware.ai/docs/providers/alibaba"
    # WS112 covers the string value with its quotes; WS100 the misspelt key
    ws112 = next(d for d in got if d.code == "WS112")
    assert (ws112.range.start, ws112.range.end) == (_pos(FLASH, '"1920"'), _pos(FLASH, '"1920"', delta=6))
    ws100 = next(d for d in got if d.code == "WS100")
    assert (ws100.range.start, ws100.range.end) == (_pos(FLASH, '"durtion"'), _pos(FLASH, '"durtion"', delta=9))

    # hover on the width: the rules, their citation with the public page, and the allowed pairs
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), _pos(FLASH, '"1920"', delta=2))
    )
    assert hover is not None
    text = hover.contents.value
    assert "**WS401** `dimension-pair`" in text and "**WS112** `numeric-string`" in text
    assert f"Allowed width×height: {FLASH_PAIRS}" in text
    assert "(https://runware.ai/docs/providers/alibaba)" in text
    assert "runware-alibaba-models.txt › Wan2.6 Flash › Supported dimensions" in text

    # completion on the misspelt key: the keys Wan2.6 Flash accepts, not the forbidden `settings`
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), _pos(FLASH, '"durtion"', delta=4))
    )
    assert completion is not None
    labels = {item.label for item in completion.items}
    assert {"duration", "seed", "resolution", "negativePrompt", "providerSettings", "outputFormat"} <= labels
    assert "settings" not in labels  # the model rejects it (WS700): never suggested
    assert not labels & {"width", "height", "model", "inputs"}  # already written
    duration = next(i for i in completion.items if i.label == "duration")
    assert isinstance(duration.text_edit, types.TextEdit)
    assert duration.text_edit.new_text == '"duration"'  # a colon follows already
    assert duration.text_edit.range.start == _pos(FLASH, '"durtion"')

    # the code action for WS112: its edit makes the width a number, and the lint agrees
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri),
            ws112.range,
            types.CodeActionContext(diagnostics=[ws112], only=[types.CodeActionKind.QuickFix]),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.edit is not None)
    assert fix.kind == types.CodeActionKind.QuickFix and fix.title.startswith("Fix WS112")
    (edit,) = fix.edit.changes[uri]
    fixed = apply(FLASH, [Edit(_offset(FLASH, edit.range.start), _offset(FLASH, edit.range.end), edit.new_text)])
    assert '"width": 1920,' in fixed
    path.write_text(fixed, encoding="utf-8")
    assert "WS112" not in {e["code"] for e in _lint_json(run_cli, path)}

    # "show rule": a command the server carries out, returning the rule's explanation
    command = next(a for a in actions if "WS401" in a.title)
    assert isinstance(command, types.Command) and command.title == "Show rule WS401 (dimension-pair)"
    params = types.ExecuteCommandParams(command.command, command.arguments)
    result = await client.workspace_execute_command_async(params)
    assert isinstance(result, str) and result.startswith("WS401 dimension-pair")
    assert client.messages and client.messages[-1].message == result


@pytest.mark.asyncio(loop_scope="module")
async def test_a_change_is_relinted_and_completion_offers_pairs_models_and_enums(client: LanguageClient, tmp_path):
    path = tmp_path / "flash.json"
    uri = await _open(client, path, FLASH)
    # the user fixes the size with a pair from the list: the WS401 and WS112 findings go away
    new = FLASH.replace('"width": "1920"', '"width": 1920').replace('"height": 1920', '"height": 1080')
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=new)],
        )
    )
    got = await _until(client, uri, lambda ds: "WS112" not in {d.code for d in ds})
    assert [d.code for d in got] == ["WS100"]

    # a value for width: the allowed pairs; picking one also sets the height already written
    at = _pos(new, '"width": 1920', delta=len('"width": '))
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), at)
    )
    assert completion is not None
    pairs = [i for i in completion.items if "×" in i.label]
    assert ", ".join(i.label for i in pairs) == FLASH_PAIRS
    square = next(i for i in pairs if i.label == "960×960")
    assert isinstance(square.text_edit, types.TextEdit) and square.text_edit.new_text == "960"
    assert square.additional_text_edits and square.additional_text_edits[0].new_text == "960"

    # the model's value: every model id; resolution: its enum
    at = _pos(new, '"alibaba:wan@2.6-flash"', delta=3)
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), at)
    )
    assert completion is not None
    labels = [i.label for i in completion.items]
    assert {'"alibaba:wan@2.6"', '"runware:qwen-image@2.0"', '"wan2.6-flash"'} <= set(labels)  # JSON text

    typed = new.replace('"durtion": 5,', '"resolution": ,')
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            [types.TextDocumentContentChangeWholeDocument(text=typed)],
        )
    )
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), _pos(typed, '"resolution": ', delta=14))
    )
    assert completion is not None
    assert [i.label for i in completion.items] == ['"720p"', '"1080p"']

    # a key being typed inside providerSettings.alibaba (the document does not parse meanwhile)
    typed = new.replace('"durtion": 5,', '"providerSettings": {"alibaba": {"', 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=4),
            [types.TextDocumentContentChangeWholeDocument(text=typed)],
        )
    )
    at = _pos(typed, '"alibaba": {"', delta=len('"alibaba": {"'))
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), at)
    )
    assert completion is not None
    assert {i.label for i in completion.items} == {"promptExtend", "audio", "shotType"}


@pytest.mark.asyncio(loop_scope="module")
async def test_project_config_per_file_ignores_and_severities_are_honoured(
    client: LanguageClient, tmp_path, run_cli, monkeypatch
):
    (tmp_path / "wanspec.toml").write_text(
        '[per-file-ignores]\n"quiet/*.json" = ["WS100"]\n\n[severity]\nWS112 = "warning"\n\n'
        '[[suppress]]\nfile = "quiet/other.json"\ncode = "WS401"\nreason = "a size the provider accepts for us"\n',
        encoding="utf-8",
    )
    (tmp_path / "quiet").mkdir()
    path = tmp_path / "quiet" / "flash.json"
    uri = await _open(client, path, FLASH)
    got = client.diagnostics[uri]
    assert {d.code for d in got} == {"WS401", "WS112"}
    assert next(d for d in got if d.code == "WS112").severity == types.DiagnosticSeverity.Warning
    monkeypatch.chdir(tmp_path)  # `wanspec lint` finds the config from the working directory
    expected = _lint_json(run_cli, path)
    assert [(d.code, d.message, d.severity) for d in got] == [
        (e["code"], e["message"], {"error": 1, "warning": 2}[e["severity"]]) for e in expected
    ]
    # the config's suppression hides its finding in its file only
    other = await _open(client, tmp_path / "quiet" / "other.json", FLASH)
    assert [d.code for d in client.diagnostics[other]] == ["WS112"]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_broken_config_is_reported_not_a_clean_file(client: LanguageClient, tmp_path):
    (tmp_path / "wanspec.toml").write_text("select = [\n", encoding="utf-8")
    uri = await _open(client, tmp_path / "flash.json", FLASH)
    (only,) = client.diagnostics[uri]
    assert only.message.startswith("not linted: ") and "wanspec.toml" in only.message


@pytest.mark.asyncio(loop_scope="module")
async def test_half_typed_documents_never_break_the_server(client: LanguageClient, tmp_path):
    path = tmp_path / "typing.json"
    uri = await _open(client, path, "")
    text = ""
    for i, ch in enumerate(FLASH):
        text += ch
        if i % 9:
            continue
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        end = _pos(text + "\0", "\0")
        for request in (
            client.text_document_completion_async(types.CompletionParams(types.TextDocumentIdentifier(uri), end)),
            client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), end)),
        ):
            await request  # an exception here (a server error) fails the test
    assert client.error is None
    assert json.loads(text)  # the whole payload was typed


@pytest.fixture(scope="module")
def accepted(tmp_path_factory) -> Path:
    """A baseline that accepts the misspelt key of the issue payload in flash.json."""
    entries = [{"file": "flash.json", "pointer": "/durtion", "code": "WS100", "count": 1}]
    path = tmp_path_factory.mktemp("accepted") / "baseline.json"
    path.write_text(json.dumps({"version": 1, "tool": "wanspec", "entries": entries}), encoding="utf-8")
    return path


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER), scope="module")
async def configured(lsp_client: LanguageClient, accepted: Path):
    options = {"baseline": str(accepted), "ignore": ["WS112"], "isolated": True}
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("neovim"), initialization_options=options)
    )
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio(loop_scope="module")
async def test_editor_options_and_the_baseline_hide_what_lint_hides(
    configured: LanguageClient, accepted, run_cli, monkeypatch
):
    tmp_path = accepted.parent
    path = tmp_path / "flash.json"
    uri = await _open(configured, path, FLASH)
    got = configured.diagnostics[uri]
    assert [d.code for d in got] == ["WS401"]
    monkeypatch.chdir(tmp_path)
    run = run_cli(
        "lint", "--isolated", "--format", "json", "--baseline", str(accepted), "--ignore", "WS112", "flash.json"
    )
    assert [(d.code, d.message) for d in got] == [(e["code"], e["message"]) for e in run.json()["diagnostics"]]
    # an unknown key the baseline does not record is new, and shown
    twice = FLASH.replace('"durtion": 5,', '"durtion": 5, "inputs2": 1,')
    configured.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            [types.TextDocumentContentChangeWholeDocument(text=twice)],
        )
    )
    got = await _until(configured, uri, lambda ds: len(ds) == 2)
    assert sorted(d.code for d in got) == ["WS100", "WS401"]
    assert next(d for d in got if d.code == "WS100").message.startswith("unknown field 'inputs2'")


@pytest.mark.asyncio(loop_scope="module")
async def test_files_the_config_excludes_are_not_linted(client: LanguageClient, tmp_path):
    (tmp_path / "wanspec.toml").write_text('exclude = ["vendor"]\n', encoding="utf-8")
    (tmp_path / "vendor").mkdir()
    uri = await _open(client, tmp_path / "vendor" / "flash.json", FLASH)
    assert list(client.diagnostics[uri]) == []
    uri = await _open(client, tmp_path / "flash.json", FLASH)
    assert {d.code for d in client.diagnostics[uri]} == {"WS401", "WS112", "WS100"}


def test_without_the_lsp_extra_the_command_says_what_to_install(run_cli, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pygls(name, *args, **kwargs):
        if name.split(".")[0] in ("pygls", "lsprotocol"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for name in [m for m in sys.modules if m.startswith(("wanspec.server", "pygls", "lsprotocol"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(builtins, "__import__", no_pygls)
    run = run_cli("server")
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr == "wanspec: error: wanspec server needs the 'lsp' extra: pip install 'wanspec[lsp]'\n"


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_shows_the_duration_range_of_the_tasks_workflow(client: LanguageClient, tmp_path):
    from conftest import FLASH_TASK

    image = json.dumps(FLASH_TASK, indent=2)
    reference = json.dumps(
        {**FLASH_TASK, "inputs": {"referenceImages": ["https://e.com/a.jpg"]}, "width": 1280, "height": 720},
        indent=2,
    )
    reference = reference.replace('  "resolution": "720p",\n', "")
    ranges = []
    for name, text in (("image.json", image), ("reference.json", reference)):
        uri = await _open(client, tmp_path / name, text)
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), _pos(text, '"duration": 5', delta=len('"duration": ')))
        )
        assert hover is not None
        ranges.append(next(ln for ln in hover.contents.value.split("\n\n") if ln.startswith("Allowed range")))
        assert "Wan2.6 Flash › Duration" in hover.contents.value or "duration" in hover.contents.value
    assert ranges == ["Allowed range: 2–15", "Allowed range: 2–10"]


HOSTILE = {
    "deep.json": "[" * 5000 + "]" * 5000,
    "binary.json": "\x00\x01\x02 not json \x7f",
    "long.json": '{"model": "alibaba:wan@2.6-flash", "positivePrompt": "' + "x" * 1_000_000 + '"}',
    "garbage.json": '{"model": "alibaba:wan@2.6-flash", "width": [}}}, ,,, "',
    "astral.json": '{"positivePrompt": "🦊🦊🦊", "model": "alibaba:wan@2.6-flash", "width": "1920"}',
}


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_hostile_documents_get_diagnostics_and_answers_never_errors(client: LanguageClient, tmp_path, name):
    text = HOSTILE[name]
    uri = await _open(client, tmp_path / name, text)
    assert client.diagnostics[uri], "a broken payload is never shown as clean"
    ident = types.TextDocumentIdentifier(uri)
    for at in (0, len(text) // 2, len(text)):
        pos = types.Position(0, min(at, len(text)))
        await client.text_document_hover_async(types.HoverParams(ident, pos))
        await client.text_document_completion_async(types.CompletionParams(ident, pos))
        everything = types.Range(types.Position(0, 0), types.Position(0, len(text)))
        await client.text_document_code_action_async(
            types.CodeActionParams(ident, everything, types.CodeActionContext(diagnostics=[]))
        )
    assert client.error is None


def test_the_server_exits_when_its_client_goes_away():
    import subprocess

    # a message cut short, then the pipe closes: the server must stop, not hang
    done = subprocess.run(SERVER, input=b'Content-Length: 5\r\n\r\n{"jso', capture_output=True, timeout=30)
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.asyncio(loop_scope="module")
async def test_a_missing_task_uuid_gets_the_fix_lint_makes(client: LanguageClient, tmp_path, run_cli):
    import uuid

    text = FLASH.replace('  "taskUUID": "9b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e",\n', "")
    path = tmp_path / "no-uuid.json"
    uri = await _open(client, path, text)
    missing = next(d for d in client.diagnostics[uri] if d.code == "WS110")
    assert missing.range.start == types.Position(0, 0)  # the task's opening brace
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), missing.range, types.CodeActionContext(diagnostics=[missing])
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.title.startswith("Fix WS110"))
    assert fix.edit is not None and fix.edit.changes is not None
    (edit,) = fix.edit.changes[uri]
    fixed = apply(text, [Edit(_offset(text, edit.range.start), _offset(text, edit.range.end), edit.new_text)])
    assert uuid.UUID(json.loads(fixed)["taskUUID"]).version == 4
    assert fixed.startswith('{\n  "taskUUID": "')  # in the file's own layout
    path.write_text(fixed, encoding="utf-8")
    assert "WS110" not in {e["code"] for e in _lint_json(run_cli, path)}
    # "fix all" makes every fix `wanspec lint --fix` makes on this text
    everything = types.Range(types.Position(0, 0), _pos(text + "\0", "\0"))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(uri), everything, types.CodeActionContext(diagnostics=[], only=[FIX_ALL])
        )
    )
    assert actions is not None
    (fix_all,) = actions
    assert isinstance(fix_all, types.CodeAction) and fix_all.kind == FIX_ALL
    assert fix_all.edit is not None and fix_all.edit.changes is not None
    edits = fix_all.edit.changes[uri]
    assert len(edits) == 2  # the missing taskUUID and the string width


@pytest.mark.asyncio(loop_scope="module")
async def test_json_lines_documents_one_task_a_line(client: LanguageClient, tmp_path, run_cli):
    from conftest import FLASH_TASK

    second = {**FLASH_TASK, "resolution": None, "width": 1920, "height": 1920, "durtion": 5}
    del second["resolution"], second["duration"]
    text = json.dumps(FLASH_TASK) + "\n" + json.dumps(second) + "\n"
    path = tmp_path / "batch.jsonl"
    uri = await _open(client, path, text)
    got = client.diagnostics[uri]
    expected = _lint_json(run_cli, path)
    assert [(d.code, d.message, d.range.start.line + 1) for d in got] == [
        (e["code"], e["message"], e["line"]) for e in expected
    ]
    assert {d.code for d in got} == {"WS100", "WS401"}
    # hover on the second line's width: that task's pairs; on the first's "duration" key: its range
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), _pos(text, '"width": 1920', delta=10))
    )
    assert hover is not None and f"Allowed width×height: {FLASH_PAIRS}" in hover.contents.value
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), _pos(text, '"duration"', delta=3))
    )
    assert hover is not None and "Allowed range: 2–15" in hover.contents.value
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), _pos(text, '"durtion"', delta=2))
    )
    assert completion is not None and "duration" in {i.label for i in completion.items}
    pairs = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), _pos(text, '"width": 1920', delta=10))
    )
    assert pairs is not None
    square = next(i for i in pairs.items if i.label == "1440×1440")
    assert square.additional_text_edits is not None
    (height,) = square.additional_text_edits
    assert height.new_text == "1440" and height.range.start == _pos(text, '"height": 1920', delta=10)


@pytest.mark.asyncio(loop_scope="module")
async def test_the_schema_a_config_glob_chooses_drives_hover_and_completion(client: LanguageClient, tmp_path):
    (tmp_path / "wanspec.toml").write_text('[schemas]\n"wan26/*.json" = "runware/alibaba:wan@2.6"\n', encoding="utf-8")
    (tmp_path / "wan26").mkdir()
    text = '{\n  "taskType": "videoInference",\n  "x": 1\n}\n'  # no model: only the glob says which schema
    uri = await _open(client, tmp_path / "wan26" / "task.json", text)
    assert {d.code for d in client.diagnostics[uri]} >= {"WS100", "WS110"}  # linted by Wan2.6's schema
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), _pos(text, '"x"', delta=1))
    )
    assert completion is not None
    labels = {i.label for i in completion.items}
    assert {"positivePrompt", "duration", "providerSettings"} <= labels and "settings" not in labels


GOLDEN_INVALID = sorted(p for p in GOLDEN.glob("*/invalid/*.json") if not p.name.endswith(".expected.json"))


@pytest.mark.asyncio(loop_scope="module")
async def test_every_golden_invalid_payload_gets_exactly_the_lints_findings(client: LanguageClient, tmp_path):
    """Identity with `wanspec lint` over the whole golden corpus: same findings, same starts."""
    from wanspec.lint.run import lint_bytes
    from wanspec.server._text import LineIndex

    assert len(GOLDEN_INVALID) > 100
    for source in GOLDEN_INVALID:
        text = source.read_text(encoding="utf-8")
        path = tmp_path / f"{source.parent.parent.name}-{source.name}"
        uri = await _open(client, path, text)
        expected = lint_bytes(str(path), text.encode("utf-8")).diagnostics
        index = LineIndex(text)
        want = [(d.code, d.message, index.position(index.offset_of(d.line, d.column))) for d in expected]
        got = [(d.code, d.message, d.range.start) for d in client.diagnostics[uri]]
        assert [g[:2] for g in got] == [w[:2] for w in want], source
        for (code, _, start), (_, _, lint_start) in zip(got, want, strict=True):
            if code == "WS401":  # the pair rule covers its width and height members, inside the task
                assert (start.line, start.character) >= (lint_start.line, lint_start.character), source
            else:
                assert start == lint_start, (source, code)
