"""Provider protocols as data: ``schemas/<provider>/_protocol.json`` loaded into objects.

A protocol file says how to recognise each call (``operations``), how to name the state a
response is in (``states``, tried in order), where the interesting values sit in a body
(``fields``, JSON Pointers, the first that resolves wins) and which status words mean
which phase (``statuses``). Clients, loopback servers, cassette verification and drift
detection all read the same file, so no status word, field name or envelope shape is
written in Python. Everything here is generic machinery over that data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Any

from ..catalog import store
from ..errors import CatalogError
from ..jsontools import MISSING as _MISSING
from ..jsontools import pointer_of as escape_pointer
from ..jsontools import resolve as resolve_pointer
from ..recordtype import field, recordclass
from ._errors import UnknownProvider


class Phase(StrEnum):
    """Where a response puts a job; every state in a protocol file names one of them."""

    ACCEPTED = "accepted"  # the request was taken; a job exists
    PENDING = "pending"  # the job is still running
    SUCCEEDED = "succeeded"  # the job ran and produced its result
    FAILED = "failed"  # the job ran and failed
    REJECTED = "rejected"  # the request was refused: no job ran


PHASES = tuple(Phase)
#: Phases after which nothing more comes: polling stops (a rejection included).
TERMINAL_PHASES = frozenset({Phase.SUCCEEDED, Phase.FAILED, Phase.REJECTED})
#: How a job that was accepted can end: exactly one of these closes every accepted job.
JOB_OUTCOMES = frozenset({Phase.SUCCEEDED, Phase.FAILED})
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@recordclass
class Operation:
    """One kind of call (``submit``, ``poll``): how to recognise it and how to make it.

    ``url`` and ``body`` are templates (see :func:`render`); ``path`` is a regular
    expression over the URL path whose named groups (``jobId``, ``model``) are parameters.
    """

    name: str
    method: str
    path: re.Pattern[str]
    url: str
    body: Any
    request: dict[str, Any] | None
    idempotent: bool
    job_id_pointer: str | None = None  # where a poll request carries the job id, if in its body
    client_job_id: str | None = None  # where the client must put a job id it chose (Runware's taskUUID)


@recordclass
class State:
    """A named response state: when it applies, which phase it means, and its schema."""

    name: str
    phase: Phase
    operations: tuple[str, ...]
    http: tuple[int, ...]
    when: dict[str, Any] | None
    status_in: str | None  # the status word must be one of ``statuses[status_in]``
    schema: dict[str, Any]


@recordclass
class ResponseProblem:
    """One way a response body breaks its state's schema: where, and what."""

    pointer: str
    message: str
    keyword: str = ""

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


@recordclass(slots=False)
class Protocol:
    """What ``schemas/<provider>/_protocol.json`` says, with generic helpers over it."""

    provider: str
    env: Mapping[str, str]
    auth: Mapping[str, Any]
    operations: Mapping[str, Operation]
    states: tuple[State, ...]
    fields: Mapping[str, tuple[str, ...]]
    statuses: Mapping[str, tuple[str, ...]]
    raw: dict[str, Any] = field(repr=False, compare=False)
    _validators: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # -- recognising requests -------------------------------------------------------------
    def operation_for(self, method: str, path: str, body: Any = None, *, match_body: bool = True) -> str | None:
        """The first operation whose method, path pattern and request schema all match
        (with ``match_body=False``, whose method and path match, whatever the body)."""
        path = _path_only(path)
        for op in self.operations.values():
            if op.method != method.upper() or not op.path.search(path):
                continue
            if match_body and op.request is not None and not self._valid(f"request:{op.name}", op.request, body):
                continue
            return op.name
        return None

    def path_params(self, operation: str, path: str) -> dict[str, str]:
        """The named groups of the operation's path pattern (``jobId``, ``model``)."""
        match = self.operations[operation].path.search(_path_only(path))
        return {k: v for k, v in (match.groupdict() if match else {}).items() if v is not None}

    # -- recognising responses ------------------------------------------------------------
    def classify(self, operation: str, http_status: int | None, body: Any) -> State | None:
        """The first state that applies to this response of ``operation``, or None."""
        for state in self.states:
            if operation not in state.operations:
                continue
            if state.http and http_status not in state.http:
                continue
            if state.status_in is not None and not self._status_in(state.status_in, body):
                continue
            if state.when is not None and not self._valid(f"when:{state.name}", state.when, body):
                continue
            return state
        return None

    def state(self, name: str) -> State:
        """A state by name (KeyError if the protocol has none by that name)."""
        for s in self.states:
            if s.name == name:
                return s
        raise KeyError(name)

    def field(self, name: str, body: Any) -> Any:
        """The value of a named field (``jobId``, ``status``, ``videoUrl``, ``cost``…), or None."""
        for pointer in self.fields.get(name, ()):
            value = resolve_pointer(body, pointer)
            if value is not _MISSING:
                return value
        return None

    def field_pointer(self, name: str, body: Any) -> str | None:
        """The pointer at which a named field resolves in this body, or None."""
        for pointer in self.fields.get(name, ()):
            if resolve_pointer(body, pointer) is not _MISSING:
                return pointer
        return None

    def phase_of_status(self, word: str) -> tuple[str, ...]:
        """Every phase whose vocabulary holds this status word."""
        return tuple(phase for phase, words in self.statuses.items() if word in words)

    def validate(self, state: State | str, body: Any) -> list[ResponseProblem]:
        """Every way ``body`` breaks the schema of ``state`` (empty when it conforms)."""
        st = self.state(state) if isinstance(state, str) else state
        validator = self._validator(f"schema:{st.name}", st.schema)
        problems = []
        for err in validator.iter_errors(body):
            schema_path = list(err.schema_path)
            keyword = str(schema_path[-1]) if schema_path else ""
            problems.append(ResponseProblem(escape_pointer(err.instance_path), err.message, keyword))
        return problems

    @property
    def loopback(self) -> dict[str, Any]:
        """The ``loopback`` block: templates and codes the loopback server answers with."""
        data: dict[str, Any] = self.raw["x-wanspec"].get("loopback", {})
        return data

    # -- internals ------------------------------------------------------------------------
    def _status_in(self, phase: str, body: Any) -> bool:
        word = self.field("status", body)
        return isinstance(word, str) and word in self.statuses.get(phase, ())

    def _valid(self, key: str, schema: dict[str, Any], instance: Any) -> bool:
        return bool(self._validator(key, schema).is_valid(instance))

    def _validator(self, key: str, schema: dict[str, Any]) -> Any:
        found = self._validators.get(key)
        if found is None:
            import jsonschema_rs

            document = {"$schema": _DRAFT, "$defs": self.raw.get("$defs", {}), **schema}
            found = jsonschema_rs.validator_for(document, validate_formats=True)
            self._validators[key] = found
        return found


def _path_only(path: str) -> str:
    """The path of a URL, or of a path with a query. A cassette's uri is checked to split
    as a URL, but its path can still hold another, broken one (``https:http://[::1//v1``
    has the path ``http://[::1//v1``, whose bracket ``urlsplit`` refuses): that is a path."""
    if "://" in path:
        from urllib.parse import urlsplit

        try:
            return urlsplit(path).path
        except ValueError:
            pass
    return path.split("?", 1)[0]


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_WHOLE = re.compile(r"^\{(\w+)\}$")


class _Drop:
    """Marks a templated value whose variable is unknown: its key or item is left out."""


_DROP = _Drop()


def render(template: Any, variables: Mapping[str, Any]) -> Any:
    """Fill a JSON template: ``"{name}"`` alone takes the variable's value with its type
    (and the key or item is dropped when the variable is None or absent); ``{name}`` inside
    a longer string is replaced by its text, and an unknown one there is a ValueError."""
    out = _render(template, variables)
    return None if out is _DROP else out


def _render(node: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, str):
        whole = _WHOLE.match(node)
        if whole:
            value = variables.get(whole.group(1))
            return _DROP if value is None else value

        def text(m: re.Match[str]) -> str:
            if variables.get(m.group(1)) is None:
                raise ValueError(f"template {node!r} needs {m.group(1)!r}")
            return str(variables[m.group(1)])

        return _PLACEHOLDER.sub(text, node)
    if isinstance(node, dict):
        pairs = ((k, _render(v, variables)) for k, v in node.items())
        return {k: v for k, v in pairs if v is not _DROP}
    if isinstance(node, list):
        items = (_render(v, variables) for v in node)
        return [v for v in items if v is not _DROP]
    return node


def placeholders(template: str) -> set[str]:
    """The variable names a text template uses."""
    return set(_PLACEHOLDER.findall(template))


@cache
def load_protocol(provider: str) -> Protocol:
    """The protocol of ``provider`` (``runware``, ``wavespeed``, ``toapis``)."""
    if not _PROVIDER_NAME.match(provider):
        raise UnknownProvider(f"unknown provider {provider!r}")
    try:
        raw = store._read(f"{provider}/_protocol.json")
    except CatalogError:
        known = ", ".join(list_protocols()) or "none"
        raise UnknownProvider(f"unknown provider {provider!r} (known: {known})") from None
    meta = raw["x-wanspec"]
    operations = {
        name: Operation(
            name=name,
            method=op["method"].upper(),
            path=re.compile(op["path"]),
            url=op["url"],
            body=op.get("body"),
            request=op.get("request"),
            idempotent=bool(op.get("idempotent", False)),
            job_id_pointer=op.get("jobId", {}).get("body"),
            client_job_id=op.get("clientJobId"),
        )
        for name, op in meta["operations"].items()
    }
    states = tuple(
        State(
            name=s["name"],
            phase=Phase(s["phase"]),
            operations=tuple(s["operations"]),
            http=tuple(s.get("http", ())),
            when=s.get("when"),
            status_in=s.get("statusIn"),
            schema=s["schema"],
        )
        for s in meta["states"]
    )
    return Protocol(
        provider=meta.get("protocol", provider),
        env=dict(meta.get("env", {})),
        auth=dict(meta.get("auth", {})),
        operations=operations,
        states=states,
        fields={k: tuple(v) for k, v in meta.get("fields", {}).items()},
        statuses={k: tuple(v) for k, v in meta.get("statuses", {}).items()},
        raw=raw,
    )


def list_protocols() -> list[str]:
    """The providers that ship a protocol file."""
    root = store.schemas_root()
    return sorted(d.name for d in root.iterdir() if d.is_dir() and d.joinpath("_protocol.json").is_file())


def key_variable(provider: str) -> str:
    """The environment variable that holds ``provider``'s API key, as its protocol file names it."""
    return str(load_protocol(provider).env.get("apiKey", ""))


def key_variables() -> tuple[str, ...]:
    """Every provider's API key variable: the one list of where keys come from."""
    return tuple(v for p in list_protocols() if (v := key_variable(p)))


def api_key(provider: str, env: Mapping[str, str] | None = None) -> str | None:
    """``provider``'s API key from ``env`` (default: the process environment), or None."""
    import os  # the process environment, looked up at call time

    return (os.environ if env is None else env).get(key_variable(provider)) or None
