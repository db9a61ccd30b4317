"""Lint tasks, files and trees: resolve each task's schema, run it, attach positions.

This is the core's front door. It returns values (diagnostics, results) and raises
``UsageError`` for what only the caller can fix (a path that does not exist, a schema id
that does not exist); it never prints and never exits.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache, partial
from itertools import groupby
from typing import TYPE_CHECKING, Any

from .. import inputs as _inputs
from ..catalog import store
from ..errors import UnknownNameError, UsageError
from ..records import Diagnostic, LintResult, Severity
from ..recordtype import field, maker, recordclass, replace
from . import batch as _batch
from . import source as _source
from .engine import Finding, compiled_as
from .events import LintEvents
from .stack import from_the_bottom

if TYPE_CHECKING:
    from ..project.policy import Policy
    from .positions import PositionIndex

PAYLOAD_SUFFIXES = (".json", ".jsonl")
_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", ".venv"})
#: A finding's severity (a rule's, as written in the schemas) as the enum: a lookup, where
#: calling ``Severity`` costs each finding 0.3 µs.
_SEVERITIES: dict[str, Severity] = {s.value: s for s in Severity}
#: A diagnostic from all its fields, in order (no keywords to parse: 0.4 µs a finding).
_DIAGNOSTIC = maker(Diagnostic)
STDIN = "-"


@recordclass
class LintOptions:
    """What to check: a forced schema, rule selection, and the engine."""

    schema: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    engine: str = "fast"  # "fast" (jsonschema_rs) or "reference" (python-jsonschema)
    policy: Policy | None = None  # per-file choices from a project config (_config)
    #: marks the findings ``wanspec lint --fix`` can repair (``lint_project`` sets it): asked
    #: with the diagnostic, the text holding its task and that text's first line number,
    #: while the linter still holds the text, so no file is read a second time to answer
    fixable: Callable[[Diagnostic, str, int], bool] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # "WS5", ["WS5"] or ("WS5",) from Python; the command line's are tuples of str already
        if not (type(self.select) is tuple and type(self.ignore) is tuple and _all_str(self.select, self.ignore)):
            object.__setattr__(self, "select", selectors(self.select))
            object.__setattr__(self, "ignore", selectors(self.ignore))

    def wants(self, code: str) -> bool:
        if not self.select and not self.ignore:  # the usual run: every finding is wanted
            return True
        return _wanted(self.select, self.ignore, code)

    def apply(self, d: Diagnostic) -> Diagnostic | None:
        """``d`` as these options report it (the config's severity for its code), or None
        when they do not select it (here or in the file's per-file ignores)."""
        opts = self if self.policy is None or d.file is None else self.policy.options_for(d.file, self)
        if not opts.wants(d.code):
            return None
        if self.policy is not None:
            severity = self.policy.severity_of(d.code, d.severity)
            if severity is not d.severity:
                d = replace(d, severity=severity)
        return d


def _all_str(*selections: tuple[str, ...]) -> bool:
    return all(type(sel) is str for selection in selections for sel in selection)


def selectors(value: str | Iterable[str]) -> tuple[str, ...]:
    """A rule selection as given from Python: one string (commas separate selectors, as
    ``--select`` takes them) or any iterable of strings."""
    if isinstance(value, str):
        return tuple(s for part in value.split(",") if (s := part.strip()))
    out = tuple(value)
    for sel in out:
        if not isinstance(sel, str):
            raise TypeError(f"a rule selector must be a str, not {type(sel).__name__}")
    return out


def check_jobs(jobs: Any) -> None:
    """Raise UsageError unless ``jobs`` is a whole number from 0 (0: one per core)."""
    if type(jobs) is not int or jobs < 0:
        raise UsageError(f"jobs must be 0 (a process per available core) or a whole number above it, not {jobs!r}")


@cache
def _wanted(select: tuple[str, ...], ignore: tuple[str, ...], code: str) -> bool:
    """Whether a selection keeps ``code`` (asked for every finding; answered once per code)."""
    names = store.rules()
    name = names[code].name if code in names else ""

    def hit(sel: str) -> bool:
        return sel == "ALL" or code.startswith(sel) or sel == name

    if select and not any(hit(s) for s in select):
        return False
    return not any(hit(s) for s in ignore)


def validate_options(options: LintOptions) -> None:
    """Raise UsageError for an unknown schema id or rule selector."""
    cat = store.catalog()
    if options.schema is not None and options.schema not in cat.entries:
        raise cat.unknown(options.schema)
    for sel in (*options.select, *options.ignore):
        if not store.is_selector(sel):
            guess = store.closest_selector(sel)
            hint = f"did you mean {guess!r}? " if guess else ""
            raise UnknownNameError(
                "rule selector",
                sel,
                [*store.rules(), *store.rule_codes_by_name()],
                message=f"unknown rule selector {sel!r}: {hint}use a code (WS401), a prefix (WS4) "
                "or a name (dimension-pair)",
            )
    if options.engine not in ("fast", "reference"):
        raise UsageError(f"unknown engine {options.engine!r}: use 'fast' or 'reference'")


# -- choosing a schema -------------------------------------------------------------------
@cache
def _detectors() -> list[tuple[str, Any]]:
    import jsonschema_rs

    out = []
    for entry in store.catalog().entries.values():
        if entry.detect:
            out.append((entry.id, jsonschema_rs.validator_for(entry.detect)))
    return out


def choose_schema(task: dict[str, Any], forced: str | None) -> tuple[str | None, Finding | None]:
    """The schema id for a task, or a finding that says why there is none."""
    if forced:
        return forced, None
    model = task.get("model")
    if isinstance(model, str):
        entry = store.catalog().by_model.get(model)
        if entry is not None:
            return entry.id, None
        return None, _no_schema_for(model)
    if "model" in task:
        what = store.json_kind(model)
        return None, _finding("wrong-type", f"model is {what}; it must be a string naming the model", "/model")
    matches = [sid for sid, v in _detectors() if v.is_valid(task)]
    if len(matches) == 1:
        return matches[0], None
    why = "matches several providers' shapes" if matches else "names no `model` and has no provider's required fields"
    return None, _finding(
        "unknown-schema",
        f"cannot tell which schema applies: the task {why}; pass --schema ID, or map the file to a schema "
        "with a [tool.wanspec.schemas] glob (`wanspec schemas` lists the ids)",
        "",
    )


@lru_cache(maxsize=1024)  # a bound, not a policy: a batch repeats its wrong model, and findings are immutable
def _no_schema_for(model: str) -> Finding:
    """Why a model id has no schema: known but not shipped, or unknown (with the closest id,
    which costs about 100 µs of string matching: once per id, not once per task)."""
    known = store.known_models().get(model)
    if known is not None:
        # listed by a provider, so not a typo: say so instead of pointing at another model
        text = (
            f"{model} ({known.get('title', model)}) is a known model, but wanspec ships no schema for it yet: "
            f"the task was not checked (listed in {known.get('source', 'the provider data')})"
        )
        return _finding("model-without-schema", text, "/model")
    guess = store.catalog().suggest_model(model)
    hint = f"did you mean {guess!r}?" if guess else None
    text = f"no schema for model {model!r}" + (f"; {hint}" if hint else "; `wanspec schemas` lists the known models")
    return _finding("unknown-model", text, "/model", hint=hint)


def _finding(rule_name: str, message: str, pointer: str, *, hint: str | None = None) -> Finding:
    code = store.rule_codes_by_name()[rule_name]
    return Finding(code, store.rules()[code].severity, message, pointer, hint=hint)


# -- one task -------------------------------------------------------------------------------
def _is_auth(task: dict[str, Any]) -> bool:
    """Tasks that carry no request to check (Runware's ``authentication`` task, say), as
    the providers' ``skip`` patterns in ``rules.json`` describe them."""
    # plain loops: this runs for every task, and the generator form was 9% of a clean JSONL run
    for pattern in _skip_patterns():
        for key, value in pattern:
            if task.get(key) != value:
                break
        else:
            return True
    return False


@cache
def _skip_patterns() -> tuple[tuple[tuple[str, Any], ...], ...]:
    return tuple(
        tuple(pattern.items()) for provider in store.providers().values() for pattern in provider.get("skip", ())
    )


def check_task(task: dict[str, Any], options: LintOptions, *, plain: bool = False) -> tuple[str | None, list[Finding]]:
    """The schema chosen for ``task`` and its findings. ``plain``: a JSON parser made the
    task (see ``CompiledSchema.check``)."""
    schema_id, problem = choose_schema(task, options.schema)
    if schema_id is None:
        return None, [problem] if problem else []
    try:
        schema = compiled_as(schema_id, options.engine)
        try:
            findings = schema.check(task, plain=plain)
        except RecursionError:
            # checked again on a fresh stack: the outcome is the task's own,
            # not the depth of the caller (a worker, a serial run, a test)
            findings = from_the_bottom(partial(schema.check, plain=plain), task)
    except RecursionError:
        findings = [_finding("too-deep", "the task nests too deeply for the validator", "")]
    except (ValueError, OverflowError) as exc:  # e.g. an integer beyond 64 bits
        if "recursion limit" in str(exc).lower():  # jsonschema-rs stops at about 255 levels
            findings = [_finding("too-deep", "the task nests more than about 250 levels deep; no payload does", "")]
        else:
            findings = [_finding("schema-rule", f"the validator could not process this task: {exc}", "")]
    return schema_id, findings


def lint_payload(obj: Any, schema: str | None = None, *, options: LintOptions | None = None) -> list[Diagnostic]:
    """Lint an already-parsed payload: one task (a dict) or a list of tasks.

    Diagnostics carry ``task`` and ``pointer`` but no file, line or column.
    """
    opts = options or LintOptions(schema=schema)
    if schema is not None and opts.schema != schema:
        opts = replace(opts, schema=schema)
    validate_options(opts)
    batch = _batch.Batch() if isinstance(obj, list) else None
    return list(task_diagnostics(obj if isinstance(obj, list) else [obj], opts, batch=batch))


def task_diagnostics(
    tasks: Iterable[Any], opts: LintOptions, file: str | None = None, *, batch: _batch.Batch | None = None
) -> Iterator[Diagnostic]:
    """Diagnostics of already-parsed tasks, task by task; no line or column (there is no text).
    ``batch`` checks the tasks as one request (a JSON array); without it each stands alone."""
    for i, task in enumerate(tasks):
        if not isinstance(task, dict):
            if (
                d := _diag(_finding("not-a-task", f"task {i} is not an object", ""), file, i, None, None, opts)
            ) is not None:
                yield d
            continue
        if _is_auth(task):
            continue
        schema_id, findings = check_task(task, opts)
        if batch is not None and schema_id is not None:
            findings = [*findings, *batch.check(i, schema_id, task)]
        for f in findings:
            if (d := _diag(f, file, i, schema_id, None, opts)) is not None:
                yield d


def _diag(
    f: Finding, file: str | None, task: int | None, schema: str | None, located: _source.Task | None, opts: LintOptions
) -> Diagnostic | None:
    if not opts.wants(f.code):
        return None
    line = col = None
    if located is not None:
        line, col = located.locate(f.pointer, key=f.key)
    severity = _SEVERITIES.get(f.severity) or Severity(f.severity)
    if opts.policy is not None:
        severity = opts.policy.severity_of(f.code, severity)
    # code, severity, message, file, task, pointer, line, column, schema, hint, doc, environment, fixable
    d = _DIAGNOSTIC(f.code, severity, f.message, file, task, f.pointer, line, col, schema, f.hint, f.doc, False, False)
    if (
        opts.fixable is not None
        and located is not None
        and f.code in _fix_codes()
        and opts.fixable(d, located.positions.text, located.positions.first_line)
    ):
        d = replace(d, fixable=True)
    return d


@cache
def _fix_codes() -> frozenset[str]:
    """Codes of the rules that name a fix kind (``rules.json``): only their findings are asked about."""
    return frozenset(code for code, rule in store.rules().items() if rule.fix)


# -- files --------------------------------------------------------------------------------------
def discover(paths: Iterable[str]) -> list[str]:
    """Expand directories (recursively, sorted) into payload files; keep files as given."""
    out: list[str] = []
    missing = []
    for raw in paths:
        if raw == STDIN:
            out.append(raw)
            continue
        try:
            mode = os.stat(raw).st_mode
        except OSError:
            mode = 0
            if not os.path.lexists(raw):
                missing.append(raw)
                continue
        is_dir = stat.S_ISDIR(mode)
        if stat.S_ISREG(mode):  # regular now: a pipe put in its place later is refused, not waited on
            raw = _inputs.Found(raw)
        if is_dir:
            # a pipe or device among them, or a directory that cannot be listed, comes out
            # marked, and is reported as unreadable (exit status 2) when its turn comes
            out.extend(_inputs.walk(raw, _is_payload_name, _skipped_dir))
        else:
            out.append(raw)
    if missing:
        raise UsageError("no such file or directory: " + ", ".join(missing))
    if not out:
        raise UsageError("no payload files (*.json, *.jsonl) under: " + ", ".join(paths))
    return _inputs.once(out)


def _is_payload_name(name: str) -> bool:
    return name.endswith(PAYLOAD_SUFFIXES) and not name.startswith(".")


def _skipped_dir(name: str) -> bool:
    return name.startswith(".") or name in _SKIP_DIRS


def problem_diagnostic(p: _source.Problem, file: str, opts: LintOptions) -> Diagnostic | None:
    """The diagnostic for a problem with the file itself (unreadable, not JSON, too large...)."""
    code = store.rule_codes_by_name()[p.rule]
    if not opts.wants(code):
        return None
    rule = store.rules()[code]
    severity = rule.severity if opts.policy is None else opts.policy.severity_of(code, rule.severity)
    return Diagnostic(
        code,
        Severity(severity),
        p.message,
        file=file,
        task=p.task,
        pointer=p.pointer,
        line=p.line,
        column=p.column,
        environment=rule.environment,
    )


Sink = Callable[[Diagnostic], None]


Keep = Callable[[Diagnostic], bool]


class SinkFailed(BaseException):
    """What the caller's sink raised, carried past the core's own handlers.

    A sink writes the caller's report; when that write fails (a full disk, a closed pipe),
    the failure is the caller's, not the input's: the handler that turns an ``OSError``
    while reading a file into an "unreadable" finding must not see it. ``Collector`` wraps
    it, :func:`raising_what_the_sink_raised` unwraps it at the core's front door.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


@contextmanager
def raising_what_the_sink_raised() -> Iterator[None]:
    """Around a lint the caller started: the sink's own exception reaches the caller as it was raised."""
    try:
        yield
    except SinkFailed as failed:
        raise failed.error from None


class Collector:
    """Hands diagnostics on in file order, a batch at a time, counting those it keeps.

    ``keep`` (a baseline, suppressions) decides before counting, so a run's counts are
    exactly what it handed on; the result's counts change nowhere else. An exception the
    sink raises leaves as ``SinkFailed``.
    """

    def __init__(self, result: LintResult, sink: Sink, keep: Keep | None = None) -> None:
        self.result, self.sink, self.keep = result, sink, keep
        self.batch: list[Diagnostic] = []

    def add(self, d: Diagnostic) -> None:
        self.batch.append(d)

    def flush(self) -> None:
        if not self.batch:
            return
        if len(self.batch) > 1:
            self.batch.sort(key=_in_file_order)
        for d in self.batch:
            self.pass_on(d)
        self.batch.clear()

    def pass_on(self, d: Diagnostic) -> None:
        """Count and hand on one diagnostic (unless ``keep`` hides it)."""
        if self.keep is None or d.environment or self.keep(d):
            self.result.count(d)
            try:
                self.sink(d)
            except Exception as exc:
                raise SinkFailed(exc) from None


def lint_tasks(
    tasks: Iterable[_source.Task | _source.Problem],
    file: str,
    opts: LintOptions,
    out: Collector,
    *,
    stream: bool = False,
    in_order: bool = False,
    batch: _batch.Batch | None = None,
) -> None:
    """Check tasks; with ``stream`` (JSON Lines) hand findings on after every task.

    ``in_order`` says the tasks of one document (one batch) come in file order, problems
    about the file first (a clean array read item by item): findings are handed on after
    every task too, and the batch rules still compare the tasks. ``batch``: where the
    batch rules keep what earlier tasks used (a ``Recorder`` for a share of a batch).
    """
    if opts.policy is not None:
        opts = opts.policy.options_for(file, opts)
    if batch is None and not stream:
        batch = _batch.Batch()  # a JSON document is one request; JSONL lines are not
    flush_each = stream or in_order
    for item in tasks:
        if isinstance(item, _source.Problem):
            if (d := problem_diagnostic(item, file, opts)) is not None:
                out.add(d)
            if flush_each:
                out.flush()
            continue
        if _is_auth(item.value):
            continue
        out.result.tasks += 1
        schema_id, findings = check_task(item.value, opts, plain=True)
        if batch is not None and schema_id is not None:
            findings = [*findings, *batch.check(item.index, schema_id, item.value)]
        for f in findings:
            if item.unread and f.pointer in item.unread:
                continue  # a literal read as null (NaN, 1e400): its source problem says so
            if (d := _diag(f, file, item.index, schema_id, item, opts)) is not None:
                out.add(d)
        if flush_each:
            out.flush()
    out.flush()


def with_batch_findings(
    diagnostics: list[Diagnostic],
    repeats: Iterable[tuple[int, str, _batch.Key, Finding]],
    file: str,
    opts: LintOptions,
    positions: PositionIndex,
    problems: Iterable[_source.Problem] = (),
) -> list[Diagnostic]:
    """A share of an array's diagnostics (task by task, in file order) with the batch rules'
    findings for it (``Batch.merge``) added where a whole run puts them: among their task's.
    ``positions`` index the whole array's text. ``problems`` (items that are not tasks) go
    in at their items too."""
    if opts.policy is not None:
        opts = opts.policy.options_for(file, opts)
    added: dict[int, list[Diagnostic]] = {}
    for p in problems:
        if p.task is not None and (d := problem_diagnostic(p, file, opts)) is not None:
            added.setdefault(p.task, []).append(d)
    for index, schema_id, key, f in repeats:
        located = _source.Task(index, {key[0]: _batch.value_of(key)}, positions, base=f"/{index}")
        if (d := _diag(f, file, index, schema_id, located, opts)) is not None:
            added.setdefault(index, []).append(d)
    if not added:
        return diagnostics
    # each task's diagnostics are together and sorted, the document's own (no task) first
    merged = sorted([*diagnostics, *(d for ds in added.values() for d in ds)], key=_task_order)
    out: list[Diagnostic] = []
    for task, group in groupby(merged, key=_task_order):
        found = list(group)
        if task in added:
            found.sort(key=_in_file_order)
        out.extend(found)
    return out


def _task_order(d: Diagnostic) -> int:
    return -1 if d.task is None else d.task


def lint_bytes(name: str, data: bytes, options: LintOptions | None = None) -> LintResult:
    """Lint the bytes of one payload file (``name`` ending in .jsonl means JSON Lines)."""
    import io

    opts = options or LintOptions()
    result = LintResult(files=1)
    out = Collector(result, result.diagnostics.append)
    if name.endswith(".jsonl"):
        lint_tasks(_source.iter_jsonl(name, io.BytesIO(data)), name, opts, out, stream=True)
    else:
        items, in_order = _source.read_json(name, data)
        lint_tasks(items, name, opts, out, in_order=in_order)
    return result


def _in_file_order(d: Diagnostic) -> tuple[int, int, int, str, str]:
    return (-1 if d.task is None else d.task, d.line or 0, d.column or 0, d.code, d.pointer)


def lint_file(
    path: _inputs.PathArg, options: LintOptions | None = None, *, stdin: Any = None, sink: Sink | None = None
) -> LintResult:
    """Lint one file (``"-"`` reads standard input); findings come in file order.
    ``path`` is a ``str``, ``bytes`` or ``pathlib.Path``.

    With ``sink``, each diagnostic is passed to it as soon as its task (JSON Lines) or
    file (JSON) is done, and the result keeps only the counts.
    """
    result = LintResult(files=1)
    name = _inputs.path_of(path)
    with raising_what_the_sink_raised():
        lint_one(name, options or LintOptions(), stdin, Collector(result, sink or result.diagnostics.append))
    return result


#: JSON Lines tasks between two progress reports.
_TICK_TASKS = 512


def _ticking(
    items: Iterator[_source.Task | _source.Problem], stream: Any, events: LintEvents
) -> Iterator[_source.Task | _source.Problem]:
    """Pass items through, telling ``events`` every so often how far into ``stream`` they are."""
    done = 0
    for n, item in enumerate(items, start=1):
        yield item
        if n % _TICK_TASKS == 0:
            pos = stream.tell()
            events.advanced(pos - done)
            done = pos
    events.advanced(stream.tell() - done)


def _too_large(size: int, what: str) -> _source.Problem:
    cap = _source.MAX_JSON_BYTES // 1048576
    # a pipe or a device is read only up to the cap, so its size is not known
    shown = f"over {cap} MiB" if size == _source.MAX_JSON_BYTES + 1 else f"{size / 1048576:.0f} MiB"
    return _source.Problem(
        "file-too-large",
        f"{what} is {shown}; .json payloads over {cap} MiB are not read (use .jsonl for large batches)",
        1,
        1,
    )


def lint_one(path: str, opts: LintOptions, stdin: Any, out: Collector, events: LintEvents | None = None) -> None:
    """Lint one file into ``out``; a file that cannot be read becomes an ``unreadable`` finding."""
    try:
        if path == STDIN:
            name = "<stdin>"
            data, over = _inputs.read_capped(stdin or sys.stdin.buffer, _source.MAX_JSON_BYTES)
            if over is not None:
                lint_tasks([_too_large(over, "standard input")], name, opts, out)
            elif _source.looks_like_jsonl(data):
                import io

                lint_tasks(_source.iter_jsonl(name, io.BytesIO(data)), name, opts, out, stream=True)
            else:
                items, in_order = _source.read_json(name, data)
                del data
                lint_tasks(items, name, opts, out, in_order=in_order)
            return
        if path.endswith(".jsonl"):
            with _inputs.open_input(path) as stream:
                items = _source.iter_jsonl(path, stream)
                if events is not None:
                    items = _ticking(items, stream, events)
                lint_tasks(items, path, opts, out, stream=True)
            return
        data, over = _inputs.read_input(path, _source.MAX_JSON_BYTES)
        if events is not None:
            events.advanced(len(data) if over is None else over)
        if over is not None:
            lint_tasks([_too_large(over, "the file")], path, opts, out)
            return
        items, in_order = _source.read_json(path, data)
        del data  # 64 MiB of bytes need not live beside their decoded text
        # a clean array comes task by task: each task's findings go on when it is done
        lint_tasks(items, path, opts, out, in_order=in_order)
    except (OSError, MemoryError) as exc:
        out.batch.clear()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        lint_tasks([_source.Problem("unreadable", f"cannot read {path}: {reason}", None, None)], path, opts, out)
