"""Custom JSON Schema keywords for what the standard vocabulary cannot say well.

Each keyword is a pure function ``check(config, instance)`` yielding
``(rule_name, message)`` pairs; adapters plug the same function into jsonschema_rs (the
fast engine) and into python-jsonschema (the reference engine), so both agree by
construction. Any schema may use them; none of them knows a model.

``x-pairs``
    ``{"fields": ["width", "height"], "values": [[1280, 720], ...]}`` on an object: when
    every field is present, their values together must be one of the listed tuples.
    (Standard JSON Schema can only say this as an ``anyOf`` of ``const`` branches whose
    failure is a wall of branch errors.) Rule ``dimension-pair``.
``x-area``
    ``{"fields": ["width", "height"], "min": N, "max": N}``: the product of the fields
    (pixel count) must lie in the range. Rule ``pixel-area``.
``x-aspectRatio``
    ``{"fields": ["width", "height"], "min": 0.25, "max": 4}``: the ratio of the first
    field to the second must lie in the range. Rule ``aspect-ratio``.
``x-media``
    ``{"kind": "image"|"audio"|"video", "formats": [...], "minSide": N, "maxSide": N,
    "maxBytes": N, "minSeconds": N, "maxSeconds": N, "cite": {...}}`` on a string holding a
    media reference (UUID, URL, data URI or base64). References that need a network (UUIDs,
    URLs) pass; inline data is decoded as far as its header to check the real format,
    pixel size, byte size and (WAV, MP3) duration. ``formats`` is given only where the docs
    name the containers: an unlisted container is otherwise no finding, but a data URI
    whose declared type contradicts its bytes, or bytes of another kind (audio in an image
    field), always are. ``cite`` maps a limit (``formats``, ``maxBytes``, ``sides``,
    ``seconds``, ``declared``, ``reference``) to the quote that states it, so each finding
    cites what it is about. Rules ``media-reference``, ``media-format``, ``media-pixels``,
    ``media-bytes``, ``media-duration``.

Fields that are missing or not numbers are left alone: other rules report those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

Finding = tuple[str, str]
Check = Callable[[Any, Any], Iterator[Finding]]
#: Separates the rule name from the message inside engine error messages.
SEP = "\x1f"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):  # numeric strings are reported as such elsewhere
        try:
            return float(value) if value.strip() else None
        except ValueError:
            return None
    return None


def _fields(config: dict[str, Any], instance: Any) -> list[float] | None:
    if not isinstance(instance, dict):
        return None
    values = []
    for name in config["fields"]:
        if name not in instance:
            return None
        n = _number(instance[name])
        if n is None:
            return None
        values.append(n)
    return values


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:g}"


def _size(values: list[float] | list[int]) -> str:
    return "×".join(f"{v:g}" for v in values)


def check_pairs(config: dict[str, Any], instance: Any) -> Iterator[Finding]:
    values = _fields(config, instance)
    if values is None:
        return
    allowed = config["values"]
    if any(all(float(a) == v for a, v in zip(pair, values, strict=True)) for pair in allowed):
        return
    names = "×".join(config["fields"])
    listing = ", ".join(_size(p) for p in allowed)
    yield "dimension-pair", f"{names} {_size(values)} is not a supported size; allowed: {listing}"


def check_area(config: dict[str, Any], instance: Any) -> Iterator[Finding]:
    values = _fields(config, instance)
    if values is None:
        return
    area = 1.0
    for v in values:
        area *= v
    lo: float | None = config.get("min")
    hi: float | None = config.get("max")
    if (lo is not None and area < lo) or (hi is not None and area > hi):
        if lo is not None and hi is not None:
            bound = f"between {_fmt(lo)} and {_fmt(hi)}"
        elif lo is not None:
            bound = f"at least {_fmt(lo)}"
        else:
            bound = f"at most {_fmt(hi or 0)}"
        yield "pixel-area", f"{_size(values)} is {_fmt(area)} pixels; the total area must be {bound} pixels"


def check_aspect(config: dict[str, Any], instance: Any) -> Iterator[Finding]:
    values = _fields(config, instance)
    if values is None or len(values) != 2 or values[1] == 0:
        return
    ratio = values[0] / values[1]
    lo, hi = config.get("min", 0), config.get("max", float("inf"))
    if not lo <= ratio <= hi:
        yield (
            "aspect-ratio",
            f"{_size(values)} has aspect ratio {ratio:.3g}; allowed between {lo:g} and {hi:g} "
            f"({_ratio_text(lo)} to {_ratio_text(hi)})",
        )


def _ratio_text(r: float) -> str:
    return f"1:{1 / r:g}" if r < 1 else f"{r:g}:1"


def _cite(config: dict[str, Any], what: str) -> str:
    """The citation for one limit of an ``x-media`` config (``cite``), appended after SEP so
    the finding quotes what states *that* limit rather than the field's general doc."""
    cite = (config.get("cite") or {}).get(what)
    return f"{SEP}{cite}" if cite else ""


_MEDIA: Any = None  # the media module, imported by the first media value (most payloads have none)


def _load_media() -> Any:
    global _MEDIA
    from . import media  # here, not at the top: see _MEDIA

    _MEDIA = media
    return media


def check_media(config: dict[str, Any], instance: Any) -> Iterator[Finding]:
    if not isinstance(instance, str) or not instance:
        return  # not a string, or empty: the type and minLength rules say so
    yield from judge_media(config, (_MEDIA or _load_media()).look(instance))


def judge_media(config: dict[str, Any], seen: tuple[Any, ...]) -> Iterator[Finding]:
    """``check_media``'s findings from what ``media.look`` saw of the string."""
    _media = _MEDIA or _load_media()
    kind = config.get("kind", "image")
    article = "an" if kind[0] in "aeiou" else "a"
    form, mime, size, broken, decoded, fmt, pixels, seconds = seen
    if form in ("uuid", "url"):
        return
    if form == "unknown":
        yield (
            "media-reference",
            f"not {article} {kind} reference: expected a UUID, an http(s) URL, a data URI or base64 data"
            + _cite(config, "reference"),
        )
        return
    if broken:
        yield "media-format", f"inline {kind} ({form}): {broken}" + _cite(config, "reference")
        return
    max_bytes = config.get("maxBytes")
    if max_bytes is not None and size is not None and size > max_bytes:
        yield (
            "media-bytes",
            f"inline {kind} is {size / 1048576:.1f} MB; the limit is {max_bytes / 1048576:g} MB"
            + _cite(config, "maxBytes"),
        )
    if not decoded:
        return
    declared = _media.declared_format(mime)
    if declared and fmt and declared != fmt:  # RFC 2397: the media type names the data's type
        yield (
            "media-format",
            f"the data URI declares {mime} but holds {fmt.upper()} data" + _cite(config, "declared"),
        )
        return
    if fmt and _media.KINDS.get(fmt, kind) != kind:
        yield "media-format", f"inline {kind} holds {fmt.upper()} {_media.KINDS[fmt]}, not {article} {kind}"
        return
    formats = config.get("formats")  # only where the docs name the containers (audio: "WAV/MP3")
    if formats and fmt not in formats:
        found = fmt.upper() if fmt else "an unrecognised format"
        yield (
            "media-format",
            f"inline {kind} is {found}; allowed: {', '.join(f.upper() for f in formats)}" + _cite(config, "formats"),
        )
        return
    if kind == "image" and pixels is not None:
        lo, hi = config.get("minSide"), config.get("maxSide")
        if (lo is not None and min(pixels) < lo) or (hi is not None and max(pixels) > hi):
            yield (
                "media-pixels",
                f"inline image is {pixels[0]}×{pixels[1]} px; each side must be {lo}–{hi} px" + _cite(config, "sides"),
            )
    if kind == "audio" and seconds is not None:
        lo, hi = config.get("minSeconds"), config.get("maxSeconds")
        if (lo is not None and seconds < lo) or (hi is not None and seconds > hi):
            yield (
                "media-duration",
                f"inline audio ({fmt.upper()}) lasts {seconds:.1f} s; allowed {lo}–{hi} s" + _cite(config, "seconds"),
            )


CHECKS: dict[str, Check] = {
    "x-pairs": check_pairs,
    "x-area": check_area,
    "x-aspectRatio": check_aspect,
    "x-media": check_media,
}


def findings_at(check: Check, config: Any) -> Callable[[Any], Sequence[Finding]]:
    """One keyword at one place in a schema: ``instance -> [(rule, message), ...]``."""
    if check is check_media and isinstance(config, dict):
        return _media_findings(config)

    def findings(instance: Any) -> list[Finding]:
        return list(check(config, instance))

    return findings


#: Judgements of inline media one place of a schema remembers (a bound, not a policy).
_KEEP_JUDGEMENTS = 256


def _media_findings(config: dict[str, Any]) -> Callable[[Any], Sequence[Finding]]:
    """``x-media`` at one place, its judgement remembered by what ``media.look`` saw, less
    the file's size where no limit applies to it: the images of a batch differ in size
    and little else (2,713 looks in 3,000 messy images, 6 once sizes within the limit are
    set aside), and judging one costs 1.8 µs inside a run, remembering 0.4 µs."""
    memory: dict[tuple[Any, ...], tuple[Finding, ...]] = {}
    max_bytes = config.get("maxBytes")

    def findings(instance: Any) -> Sequence[Finding]:
        if not isinstance(instance, str) or not instance:
            return ()  # not a string, or empty: the type and minLength rules say so
        seen = (_MEDIA or _load_media()).look(instance)
        size = seen[2]
        if size is not None and max_bytes is not None and size > max_bytes:
            return tuple(judge_media(config, seen))  # the message gives the size
        key = (*seen[:2], None, *seen[3:])
        found = memory.get(key)
        if found is None:
            if len(memory) >= _KEEP_JUDGEMENTS:
                memory.clear()
            found = memory[key] = tuple(judge_media(config, seen))
        return found

    return findings


def _rs_adapter(check: Check) -> type:
    class Keyword:
        """One keyword at one place in a schema, as jsonschema_rs calls it (``findings_at``)."""

        __slots__ = ("findings",)

        def __init__(self, parent: dict[str, Any], value: Any, path: list[str | int]) -> None:
            self.findings = findings_at(check, value)

        def validate(self, instance: Any) -> None:
            for rule, message in self.findings(instance):
                raise ValueError(f"{rule}{SEP}{message}")

        def iter_errors(self, instance: Any) -> Iterator[ValueError]:
            for rule, message in self.findings(instance):
                yield ValueError(f"{rule}{SEP}{message}")

    return Keyword


def rs_keywords() -> dict[str, type]:
    return {name: _rs_adapter(check) for name, check in CHECKS.items()}


def jsonschema_keywords() -> dict[str, Callable[..., Iterator[Any]]]:
    """The same checks as python-jsonschema keyword functions (for the reference engine)."""
    from jsonschema.exceptions import ValidationError

    def wrap(check: Check) -> Callable[..., Iterator[Any]]:
        def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
            for rule, message in check(value, instance):
                yield ValidationError(f"{rule}{SEP}{message}")

        return keyword

    return {name: wrap(check) for name, check in CHECKS.items()}
