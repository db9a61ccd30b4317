"""Keeping credentials out of cassettes: redaction on the way to disk, and an audit of what is there.

Redaction is applied to every recorded request and response (headers, JSON bodies, URLs in
bodies, query strings) and, last, to the serialised text of the whole cassette: any literal
secret the recorder was given (the API keys it read from the environment) is replaced
wherever it appears. The audit is independent of the redaction: it reads files as they are
on disk and reports anything that looks like a credential, so it also catches cassettes
written by other tools.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
_URL = re.compile(r"https?://[^\s\"'<>\\]+")


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


@dataclass(frozen=True)
class Redactor:
    """vcrpy hooks that redact; ``secrets`` are literal values (API keys) removed everywhere."""

    secrets: tuple[str, ...] = ()

    def _literal(self, text: str) -> str:
        for s in self.secrets:
            if s:
                text = text.replace(s, REDACTED)
        return text

    def request(self, request: Any) -> Any:
        """``before_record_request``: headers, URI query and body of a vcrpy Request."""
        for name in list(request.headers):
            request.headers[name] = self._literal(redact_header(name, str(request.headers[name])))
        request.uri = self._literal(redact_url(request.uri))
        body = redact_body(request.body)
        if isinstance(body, bytes):
            body = self._literal(body.decode("utf-8", errors="surrogateescape")).encode("utf-8", "surrogateescape")
        elif isinstance(body, str):
            body = self._literal(body)
        request.body = body
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """``before_record_response``: headers and body of a vcrpy response dict."""
        headers = response.get("headers") or {}
        for name, values in list(headers.items()):
            items = values if isinstance(values, list) else [values]
            headers[name] = [self._literal(redact_header(name, str(v))) for v in items]
        body = response.get("body") or {}
        if isinstance(body, dict) and "string" in body:
            cleaned = redact_body(body["string"])
            if isinstance(cleaned, bytes):
                cleaned = self._literal(cleaned.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
            elif isinstance(cleaned, str):
                cleaned = self._literal(cleaned)
            body["string"] = cleaned
        return response

    def text(self, text: str) -> str:
        """Last line of defence, on the serialised cassette."""
        return self._literal(text)


# -- audit -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
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
    known = [s for s in secrets if s]
    pending_header: str | None = None
    for n, line in enumerate(lines, 1):
        for s in known:
            col = line.find(s)
            if col >= 0:
                leaks.append(Leak(n, col + 1, "a secret given to the audit appears verbatim"))
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
