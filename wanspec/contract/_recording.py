"""Recording and replaying HTTP through vcrpy, the wanspec way.

- Requests match on method, path and the JSON body with volatile fields removed (the
  protocol file lists them: Runware's ``taskUUID``), so Runware's single URL replays
  submit → poll → result in order, and host/port do not matter (a cassette recorded
  against a loopback server replays against the real base URL and back).
- Everything is redacted on the way to disk (``_secrets.Redactor``); the serialised text is
  audited before it is written, and a cassette that still holds a credential is not written.
- Files are written atomically, so an interrupted run never leaves half a cassette, and a
  recording that caught no interaction writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ..catalog.store import providers
from ..files import write_atomic
from ._cassette import load_yaml, serialize
from ._errors import RedactedError
from ._protocol import Protocol, load_protocol
from ._secrets import Redactor, audit_text, environment_secrets, known_secrets

RECORD_MODES = ("none", "once", "new_episodes", "all")
MATCH_ON = ("method", "path", "wanspec_body")


class SecretLeakError(RedactedError):
    """A cassette about to be written still holds something that looks like a credential
    (the message names lines and kinds, never the value)."""


def _strip(value: Any, volatile: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, volatile) for k, v in value.items() if k not in volatile}
    if isinstance(value, list):
        return [_strip(v, volatile) for v in value]
    return value


def _skipped(task: Any, patterns: tuple[dict[str, Any], ...]) -> bool:
    return isinstance(task, dict) and any(all(task.get(k) == v for k, v in p.items()) for p in patterns)


def normalised_body(body: Any, volatile: frozenset[str], skip: tuple[dict[str, Any], ...] = ()) -> Any:
    """A request body as matching sees it: parsed JSON without volatile fields or skipped tasks."""
    if body is None or body in (b"", ""):
        return None
    if isinstance(body, dict | list):  # aiohttp's json= bodies reach vcrpy as Python values
        data: Any = body
        if isinstance(data, list) and skip:
            data = [t for t in data if not _skipped(t, skip)]
        return _strip(data, volatile)
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, list) and skip:
        data = [t for t in data if not _skipped(t, skip)]
    return _strip(data, volatile)


def body_matcher(volatile: Iterable[str], skip: Iterable[dict[str, Any]] = ()) -> Callable[[Any, Any], None]:
    """A vcrpy matcher: JSON bodies equal once volatile fields and skipped tasks are removed."""
    vol, patterns = frozenset(volatile), tuple(skip)

    def wanspec_body(r1: Any, r2: Any) -> None:
        a, b = normalised_body(r1.body, vol, patterns), normalised_body(r2.body, vol, patterns)
        if a != b:
            raise AssertionError(f"bodies differ (ignoring {', '.join(sorted(vol)) or 'nothing'}): {a!r} != {b!r}")

    return wanspec_body


def volatile_fields(protocol: Protocol) -> frozenset[str]:
    """Fields a client makes up per call (job ids it chooses): matching ignores them."""
    pointers = [p for op in protocol.operations.values() for p in (op.client_job_id, op.job_id_pointer) if p]
    return frozenset(p.rsplit("/", 1)[-1] for p in pointers)


def skip_patterns(provider: str) -> tuple[dict[str, Any], ...]:
    """Tasks that carry no request (Runware's authentication task), from rules.json's providers."""

    return tuple(providers().get(provider, {}).get("skip", ()))


def _serialize(doc: Mapping[str, Any]) -> str:

    return serialize(doc)


def _deserialize(text: str) -> Any:
    return load_yaml(text)  # the one safe reader: alias, expansion, depth and tag limits


class _Serializer:
    """vcrpy serializer: stable, readable YAML (insertion order, Unicode, block strings)."""

    @staticmethod
    def serialize(cassette_dict: Mapping[str, Any]) -> str:
        doc = {"interactions": cassette_dict["interactions"], "version": cassette_dict.get("version", 1)}
        if cassette_dict.get("metadata"):
            doc["metadata"] = cassette_dict["metadata"]
        return _serialize(doc)

    @staticmethod
    def deserialize(text: str) -> Any:
        return _deserialize(text)


def _persister(redactor: Redactor, failed: list[Exception]) -> type:
    """vcrpy's filesystem persister made atomic and audited.

    vcrpy saves before it removes its patches, and an error raised while saving skips the
    removal: http.client would stay patched for the rest of the process. So a save that
    fails (a leak refused, a write error) is put in ``failed`` and raised by ``recording``
    once the cassette's context is closed."""
    from vcr.persisters.filesystem import FilesystemPersister  # type: ignore[import-untyped]
    from vcr.serialize import serialize  # type: ignore[import-untyped]

    def save(cassette_path: Any, cassette_dict: Any, serializer: Any) -> None:
        if not cassette_dict.get("requests"):
            # a recording that caught nothing (the server was down, the client never sent):
            # an `interactions: []` file would pass as evidence and block the next `once` run
            return
        text = redactor.text(serialize(cassette_dict, serializer))
        leaks = audit_text(text, known_secrets(redactor.secrets))
        if leaks:
            where = ", ".join(f"line {leak.line}: {leak.what}" for leak in leaks[:3])
            raise SecretLeakError(f"refusing to write {cassette_path}: {where}")
        write_atomic(cassette_path, text)

    class AtomicPersister(FilesystemPersister):  # type: ignore[misc]
        @staticmethod
        def save_cassette(cassette_path: Any, cassette_dict: Any, serializer: Any) -> None:
            try:
                save(cassette_path, cassette_dict, serializer)
            except Exception as exc:  # raised again by recording(), after vcrpy has unpatched
                failed.append(exc)

    return AtomicPersister


def vcr_for(
    *,
    record_mode: str = "none",
    volatile: Iterable[str] = (),
    skip: Iterable[dict[str, Any]] = (),
    secrets: Iterable[str] = (),
    failed: list[Exception] | None = None,
) -> Any:
    """A configured ``vcr.VCR``: wanspec's matcher, redaction, serializer and atomic persister.

    A save that fails is appended to ``failed`` (raised at once when none is given)."""
    import vcr  # type: ignore[import-untyped]

    if record_mode not in RECORD_MODES:
        raise ValueError(f"unknown record mode {record_mode!r}; choose from {', '.join(RECORD_MODES)}")
    redactor = Redactor(tuple(s for s in secrets if s))
    v = vcr.VCR(
        record_mode=record_mode,
        match_on=MATCH_ON,
        before_record_request=redactor.request,
        before_record_response=redactor.response,
        decode_compressed_response=True,
        serializer="wanspec",
    )
    v.register_serializer("wanspec", _Serializer)
    v.register_matcher("wanspec_body", body_matcher(volatile, skip))
    v.register_persister(_persister(redactor, [] if failed is None else failed))
    return v


@contextmanager
def recording(
    path: str,
    *,
    provider: str,
    record_mode: str = "none",
    metadata: Mapping[str, Any] | None = None,
    secrets: Iterable[str] = (),
) -> Iterator[Any]:
    """Record or replay every HTTP call made inside the block into the cassette at ``path``.

    ``metadata`` is stored under ``metadata.wanspec`` (with the provider and the time of
    recording) when something is recorded. Yields vcrpy's Cassette.
    """

    failed: list[Exception] = []
    v = vcr_for(
        record_mode=record_mode,
        volatile=volatile_fields(load_protocol(provider)),
        skip=skip_patterns(provider),
        secrets=(*secrets, *environment_secrets()),
        failed=failed,
    )
    try:
        yield from _recorded(v, path, provider, metadata)
    finally:
        if failed:  # the cassette's context is closed, so vcrpy's patches are gone
            raise failed[0]


def _recorded(v: Any, path: str, provider: str, metadata: Mapping[str, Any] | None) -> Iterator[Any]:
    with v.use_cassette(path) as cassette:
        if not cassette.write_protected:
            meta = cassette.get_metadata("wanspec", {})
            meta.update({"provider": provider, **(metadata or {})})
            meta.setdefault("source", "recorded")
        yield cassette
        if cassette.dirty and not cassette.write_protected:
            cassette._metadata.setdefault("wanspec", {})["recorded_at"] = (
                datetime.now(UTC).replace(microsecond=0).isoformat()
            )
