"""The one redaction choke point: every byte wanspec writes or prints about a provider passes here.

Sinks and what they call:

* cassettes: :class:`Redactor` (vcrpy hooks on every request and response, header names
  included, then :meth:`Redactor.text` on the serialised YAML) and the audit before writing;
* everything the contract commands print, in every ``--format``: :class:`RedactingStream`
  wraps their stdout and stderr;
* exception messages: ``ContractError`` passes its message through :func:`redact_text`;
* pytest failure reports: the plugin's ``pytest_runtest_makereport`` hook rewrites the report.

The secrets in play are every key registered here (:func:`register`: the clients register
the key they were given, held in a :class:`Secret` whose ``repr`` never shows it), the values
of the providers' key variables and of ``*_API_KEY``/``*_TOKEN``/``*_SECRET`` variables in the
environment. Each is matched raw, case-insensitively, JSON-escaped, percent-encoded, hex and
base64/base64url at every alignment (``_encodings``); URLs lose their token parameters and
well-known credential shapes (``sk-…``, bearer tokens, JWTs…) are removed wherever they are.

The audit is independent of the redaction: it reads files as they are on disk and reports
anything that looks like a credential (the known secrets in any encoding, and credential
shapes also inside decoded JSON-escaped, percent, base64 and hex text), so it also catches
cassettes written by other tools.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..recordtype import recordclass
from ._encodings import MIN_SECRET, decoded_views, describe, may_hold, secret_pattern

REDACTED = "<REDACTED>"

# header names whose value is a credential (compared lower-case)
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "x-auth-token", "cookie", "set-cookie"}
)
# JSON keys whose string value is a credential (Runware's authentication task: apiKey)
_SECRET_KEY = re.compile(
    r"^(api[_-]?key|apikey|x[_-]?api[_-]?key|token|access[_-]?token|refresh[_-]?token|secret|client[_-]?secret|"
    r"password|passwd|authorization|auth[_-]?token|session[_-]?token|private[_-]?key)$",
    re.IGNORECASE,
)
# query parameters that sign or authorise a URL (presigned uploads, webhook tokens)
_SECRET_PARAM = re.compile(
    r"^(x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|signature|sig|"
    r"se|sp|skoid|sktid|token|access_token|api_key|apikey|key|auth|secret|expires_signature)$",
    re.IGNORECASE,
)
# shapes of well-known credentials, wherever they appear
_TOKEN_SHAPES = (
    ("bearer token", re.compile(r"\bBearer\s+(?!<REDACTED>)([A-Za-z0-9._~+/=-]{8,})")),
    ("secret key (sk-…)", re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")),
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("JSON web token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
)
# a literal every match of each shape contains: ordinary text skips the expressions
_SHAPE_ANCHORS = tuple(
    zip(
        (("Bearer",), ("sk-",), ("AKIA", "ASIA"), ("gh",), ("xox",), ("eyJ",), ("-----BEGIN",)),
        (shape for _, shape in _TOKEN_SHAPES),
        strict=True,
    )
)
# a URL, including redaction marks already in it (so redacting twice changes nothing)
_URL = re.compile(r"https?://(?:[^\s\"'<>\\]|<REDACTED>)+")


def is_placeholder(value: str) -> bool:
    """True for values that are obviously not secrets: redaction marks, empty, ${VARS}."""
    v = value.strip()
    if v.lower().startswith("bearer "):
        v = v[7:].strip()
    return (
        v == ""
        or v.upper() in {"REDACTED", "<REDACTED>", "***", "XXX", "NONE", "NULL"}
        or bool(re.fullmatch(r"<[A-Za-z_ -]+>|\$\{?[A-Z_]+\}?|\*+|x+|X+", v))
    )


# -- the secrets in play -----------------------------------------------------------------
class Secret:
    """A credential that never shows itself: ``repr``, ``str`` and ``format`` give a mask,
    so a traceback's locals (``pytest -l``), a log line or an f-string cannot leak it.
    Only :meth:`reveal` returns the value, for the one place that sends it."""

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        self.__value = value
        register(value)

    def reveal(self) -> str:
        """The value itself: for the authentication header and nothing else."""
        return self.__value

    def __repr__(self) -> str:
        return "Secret('<REDACTED>')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self.__value)

    def __reduce__(self) -> Any:  # pickling would write the value to wherever the pickle goes
        raise TypeError("a Secret cannot be pickled")


_registered: set[str] = set()
_lock = threading.Lock()
# environment variables whose value is a credential, beside the providers' key variables
_SECRET_VARIABLE = re.compile(r"(^|_)(API_?KEY|TOKEN|SECRET|PASSWORD)$", re.IGNORECASE)


def register(value: str | Secret) -> None:
    """Make the choke point redact ``value`` (in every encoding) from now on, in this process."""
    raw = value.reveal() if isinstance(value, Secret) else value
    if raw and not is_placeholder(raw):
        with _lock:
            _registered.add(raw)


@cache
def key_variables() -> tuple[str, ...]:
    """The providers' API key variables, as their protocol files name them (read once: the
    choke point asks on every line it prints)."""
    # straight from the catalogue, not through _protocol: _protocol raises contract errors,
    # whose messages come back here to be redacted (the import graph stays acyclic)
    from ..catalog import store

    names = []
    for folder in sorted(d.name for d in store.schemas_root().iterdir() if d.is_dir()):
        if store.schemas_root().joinpath(folder, "_protocol.json").is_file():
            env = store._read(f"{folder}/_protocol.json").get("x-wanspec", {}).get("env", {})
            names.append(str(env.get("apiKey", "")))
    return tuple(n for n in names if n)


def environment_secrets(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Credential values in ``env`` (default: the process environment): the providers' key
    variables and every ``*_API_KEY``, ``*_TOKEN``, ``*_SECRET``, ``*_PASSWORD``."""
    if env is None:
        # the choke point asks on every line it prints: reading the environment is the cost,
        # so the answer is kept for as long as the environment's raw items stay the same
        raw = getattr(os.environ, "_data", None)
        if isinstance(raw, dict):
            return _process_secrets(tuple(raw.items()))
        env = dict(os.environ)
    return _secrets_in(env)


@lru_cache(maxsize=4)
def _process_secrets(_snapshot: tuple[Any, ...]) -> tuple[str, ...]:
    return _secrets_in(dict(os.environ))


def _secrets_in(environ: Mapping[str, str]) -> tuple[str, ...]:
    names = set(key_variables()) | {n for n in environ if _SECRET_VARIABLE.search(n)}
    # a short value (``SOME_TOKEN=true``) is a setting, not a secret: redacting it would mangle output
    values = (environ.get(n) or "" for n in names)
    return tuple(sorted(v for v in values if len(v) >= MIN_SECRET and not is_placeholder(v)))


def known_secrets(extra: Iterable[str] = (), env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every secret the choke point redacts: registered, from the environment, and ``extra``."""
    with _lock:
        registered = frozenset(_registered)
    return _union(registered, environment_secrets(env), frozenset(s for s in extra if s))


@lru_cache(maxsize=32)
def _union(registered: frozenset[str], environment: tuple[str, ...], extra: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(registered | set(environment) | extra))


def redact_text(text: str, secrets: Iterable[str] | None = None) -> str:
    """THE choke point: ``text`` with every known secret (in every encoding), URL token and
    credential shape replaced by ``<REDACTED>``. ``secrets`` adds to the known ones."""
    if not text:
        return text
    return _scrub(text, known_secrets(secrets or ()), structural=True)


def redact_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the known secrets (in every encoding) replaced, and nothing else: for
    values a caller still uses, such as a presigned result URL (its own signature stays)."""
    return _scrub(text, known_secrets(secrets), structural=False) if text else text


def redact_data(value: Any, secrets: Iterable[str] = (), *, only_secrets: bool = False) -> Any:
    """A JSON-like value with every string (keys too) passed through :func:`redact_text`
    (or, with ``only_secrets``, :func:`redact_secrets`). The secrets are looked up once."""
    known = known_secrets(secrets)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {(scrub(k) if isinstance(k, str) else k): walk(v) for k, v in node.items()}
        if isinstance(node, list | tuple):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return scrub(node)
        if isinstance(node, bytes):
            return scrub(node.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
        return node

    def scrub(text: str) -> str:
        return _scrub(text, known, structural=not only_secrets) if text else text

    return walk(value)


def _scrub(text: str, known: tuple[str, ...], *, structural: bool) -> str:
    out = text
    if structural and "://" in out:
        out = _URL.sub(lambda m: redact_url(m.group(0)), out)
    pattern = secret_pattern(known)
    if pattern is not None and may_hold(known, out):
        out = pattern.sub(REDACTED, out)
    if structural:
        for anchors, shape in _SHAPE_ANCHORS:
            if any(a in out for a in anchors):
                out = shape.sub(_shape_mark, out)
    return out


def _shape_mark(m: re.Match[str]) -> str:
    return "Bearer " + REDACTED if m.group(0).startswith("Bearer") else REDACTED


class RedactingStream:
    """A text stream that passes every complete line through :func:`redact_text`.

    Lines are held until their newline (a secret split over two ``write`` calls is still
    caught); :meth:`flush` and :meth:`close` let a last partial line through, redacted.
    """

    def __init__(self, stream: TextIO, secrets: Iterable[str] = ()) -> None:
        self._stream = stream
        self._secrets = tuple(secrets)
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            done, _, self._pending = self._pending.rpartition("\n")
            self._stream.write(redact_text(done + "\n", self._secrets))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(redact_text(self._pending, self._secrets))
            self._pending = ""
        self._stream.flush()

    def close(self) -> None:
        self.flush()

    def isatty(self) -> bool:
        return bool(getattr(self._stream, "isatty", lambda: False)())

    def fileno(self) -> int:
        return int(self._stream.fileno())

    @property
    def encoding(self) -> str:
        return str(getattr(self._stream, "encoding", "utf-8"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


# -- redaction ---------------------------------------------------------------------------
def redact_url(url: str) -> str:
    """The URL with the values of signing and token query parameters replaced."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(_SECRET_PARAM.match(k) for k, _ in pairs):
        return url
    query = urlencode([(k, REDACTED if _SECRET_PARAM.match(k) else v) for k, v in pairs], safe="<>")
    return urlunsplit(parts._replace(query=query))


def redact_value(value: Any, key: str = "") -> Any:
    """A JSON value with credentials replaced: secret-named keys, signed URLs, token shapes."""
    if isinstance(value, dict):
        return {k: redact_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, key) for v in value]
    if isinstance(value, str):
        if _SECRET_KEY.match(key) and not is_placeholder(value):
            return REDACTED
        out = _URL.sub(lambda m: redact_url(m.group(0)), value)
        for _, shape in _TOKEN_SHAPES:
            out = shape.sub(lambda m: "Bearer " + REDACTED if m.group(0).startswith("Bearer") else REDACTED, out)
        return out
    return value


def redact_body(body: Any) -> Any:
    """A request or response body with credentials replaced (JSON structurally, else as text)."""
    if body is None or body in (b"", ""):
        return body
    if isinstance(body, dict | list):  # aiohttp's json= bodies reach vcrpy as Python values
        return redact_value(body)
    was_bytes = isinstance(body, bytes)
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        return body
    try:
        data = json.loads(text)
    except ValueError:
        out = str(redact_value(text))
    else:
        cleaned = redact_value(data)
        out = text if cleaned == data else json.dumps(cleaned, ensure_ascii=False, separators=(",", ":"))
    return out.encode("utf-8") if was_bytes else out


def redact_header(name: str, value: str) -> str:
    if name.lower() in SECRET_HEADERS and not is_placeholder(value):
        return f"Bearer {REDACTED}" if value.lower().startswith("bearer ") else REDACTED
    return value


@recordclass(slots=False)
class Redactor:
    """vcrpy hooks that redact; ``secrets`` are literal values (API keys) removed everywhere,
    with every key the choke point knows, in every encoding, in header names and values."""

    secrets: tuple[str, ...] = ()

    def _literal(self, text: str) -> str:
        return redact_text(text, self.secrets)

    def _body(self, body: Any) -> Any:
        cleaned = redact_body(body)
        if isinstance(cleaned, bytes):
            return self._literal(cleaned.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
        if isinstance(cleaned, str):
            return self._literal(cleaned)
        return redact_data(cleaned, self.secrets)

    def request(self, request: Any) -> Any:
        """``before_record_request``: headers (names too), URI and body of a vcrpy Request."""
        headers = {self._literal(str(n)): self._literal(redact_header(n, str(v))) for n, v in request.headers.items()}
        for name in list(request.headers):
            del request.headers[name]
        for name, value in headers.items():
            request.headers[name] = value
        request.uri = self._literal(redact_url(request.uri))
        request.body = self._body(request.body)
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """``before_record_response``: headers (names too) and body of a vcrpy response dict."""
        headers = response.get("headers") or {}
        cleaned: dict[str, list[str]] = {}
        for name, values in headers.items():
            items = values if isinstance(values, list) else [values]
            key = self._literal(str(name))
            cleaned.setdefault(key, []).extend(self._literal(redact_header(name, str(v))) for v in items)
        if "headers" in response:
            response["headers"] = cleaned
        body = response.get("body") or {}
        if isinstance(body, dict) and "string" in body:
            body["string"] = self._body(body["string"])
        return response

    def text(self, text: str) -> str:
        """Last line of defence, on the serialised cassette."""
        return self._literal(text)


# -- audit -------------------------------------------------------------------------------
@recordclass
class Leak:
    line: int
    column: int
    what: str

    @property
    def message(self) -> str:
        return f"looks like a credential: {self.what}"


# possessive "\s*+(?:-\s*+)?", not "\s*-?\s*": backtracking on an indented line is quadratic
_HEADER_LINE = re.compile(
    r"^\s*+(?:-\s*+)?['\"]?(" + "|".join(re.escape(h) for h in sorted(SECRET_HEADERS)) + r")['\"]?\s*:\s*(.*)$",
    re.IGNORECASE,
)
_HEADER_VALUE = re.compile(r"^\s*-\s*(.+)$")
_JSON_PAIR = re.compile(r"\"([A-Za-z_-]+)\"\s*:\s*\"((?:[^\"\\]|\\.)*)\"")


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1]
    return v


def audit_text(text: str, secrets: Iterable[str] = ()) -> list[Leak]:
    """Every place in a cassette's text that looks like a credential (line, column, what).

    Works on the text itself (not only the parsed YAML), so nothing escapes by hiding in a
    key vcrpy does not know, and a cassette that does not parse is still audited.
    """
    leaks: list[Leak] = []
    lines = text.splitlines()
    known = tuple(sorted({s for s in secrets if s}))
    pattern = secret_pattern(known)
    pending_header: str | None = None
    for n, line in enumerate(lines, 1):
        for m in pattern.finditer(line) if pattern is not None else ():
            leaks.append(Leak(n, m.start() + 1, f"a secret given to the audit, {describe(known, m)}"))
        for how, view in decoded_views(line):
            for what, shape in _TOKEN_SHAPES:
                if what != "bearer token" and shape.search(view):
                    leaks.append(Leak(n, 1, f"{what}, {how}"))
        header = _HEADER_LINE.match(line)
        if header:
            name, rest = header.group(1), _unquote(header.group(2))
            if rest and rest not in ("[", "") and not rest.startswith("["):
                if not is_placeholder(rest):
                    leaks.append(Leak(n, line.find(rest) + 1, f"{name} header with a value"))
                pending_header = None
            else:
                pending_header = name
                if rest.startswith("[") and rest.endswith("]"):
                    for item in rest[1:-1].split(","):
                        if item.strip() and not is_placeholder(_unquote(item)):
                            leaks.append(Leak(n, line.find(item.strip()) + 1, f"{name} header with a value"))
                    pending_header = None
            continue
        if pending_header is not None:
            value = _HEADER_VALUE.match(line)
            if value:
                if not is_placeholder(_unquote(value.group(1))):
                    leaks.append(Leak(n, line.find(value.group(1)) + 1, f"{pending_header} header with a value"))
                continue
            pending_header = None
        for m in _JSON_PAIR.finditer(line.replace('\\"', '"')):
            if _SECRET_KEY.match(m.group(1)) and not is_placeholder(m.group(2)):
                leaks.append(Leak(n, m.start() + 1, f'"{m.group(1)}" with a value'))
        for m in _URL.finditer(line):
            url = m.group(0)
            if redact_url(url) != url:
                for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True):
                    if _SECRET_PARAM.match(k) and not is_placeholder(v):
                        leaks.append(Leak(n, m.start() + 1, f"URL query parameter {k!r} with a value"))
                        break
        for what, shape in _TOKEN_SHAPES:
            for m in shape.finditer(line):
                if what == "bearer token" and is_placeholder(m.group(1)):
                    continue
                leaks.append(Leak(n, m.start() + 1, what))
    unique: dict[int, Leak] = {}  # one finding a line: the first reason found
    for leak in leaks:
        unique.setdefault(leak.line, leak)
    return sorted(unique.values(), key=lambda x: (x.line, x.column))
