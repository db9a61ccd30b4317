"""Hypothesis strategies for request payloads, derived from the bundled schemas.

    >>> from hypothesis import given
    >>> from wanspec.strategies import payloads, invalid_payloads
    >>> @given(payloads("runware/alibaba:wan@2.6"))
    ... def test_my_pipeline_accepts(payload): ...

``payloads(schema_id)`` draws valid requests (realistic prompts and media URLs, every
workflow the schema allows); ``invalid_payloads(schema_id)`` draws requests with exactly
one known violation, each carrying the rule code and JSON pointer the linter reports.
Nothing here is written per model: values, workflows and violations all come from the
schema files (see ``_build`` and ``_invalid``), so a schema change changes what is drawn.
Importing this module imports hypothesis; ``wanspec lint`` never does.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..recordtype import field, recordclass

try:
    from hypothesis import strategies as st
except ImportError as exc:  # an optional dependency: say how to get it
    raise ImportError("wanspec.strategies needs hypothesis: pip install 'wanspec[hypothesis]'") from exc

from ..catalog.store import catalog
from ..errors import UsageError
from ..lint.run import lint_payload
from ..records import Severity
from ._build import drafts
from ._invalid import InvalidPayload, code_sites, invalid
from ._schema import model_schema

__all__ = ["Coverage", "InvalidPayload", "coverage", "invalid_payloads", "payloads", "rule_codes"]


def _schema(schema_id: str) -> Any:
    if schema_id not in catalog().entries:
        raise catalog().unknown(schema_id)
    return model_schema(schema_id)


def _valid(schema_id: str, payload: dict[str, Any]) -> bool:
    return not any(d.severity is Severity.ERROR for d in lint_payload(payload, schema=schema_id))


def payloads(schema_id: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid request payloads for ``schema_id``: the linter reports no error for any of them.

    Optional fields, allowed size pairs, workflows (text-, image-, reference-to-video,
    audio, ...) and values within every documented limit are all drawn; warnings (documented
    no-op combinations) may occur, as they do in the providers' own examples.
    """
    ms = _schema(schema_id)
    return drafts(ms).filter(lambda p: _valid(schema_id, p))


def invalid_payloads(schema_id: str, code: str | None = None) -> st.SearchStrategy[InvalidPayload]:
    """Payloads with exactly one violation, and the code and pointer the linter must report.

    With ``code``, only violations of that rule are drawn (it must be one of
    :func:`rule_codes`).
    """
    ms = _schema(schema_id)
    if code is not None and code not in code_sites(ms):
        raise UsageError(f"{schema_id} has no rule {code}; it has {', '.join(sorted(code_sites(ms)))}")
    return invalid(ms, code)


def rule_codes(schema_id: str) -> frozenset[str]:
    """Every rule code ``schema_id`` can report: its ``x-rule`` tags and the keyword defaults it uses."""
    return frozenset(code_sites(_schema(schema_id)))


@recordclass(slots=False)
class Coverage:
    """Which rule codes of one schema :func:`invalid_payloads` reached, with an example of each."""

    schema: str
    codes: frozenset[str]
    examples: dict[str, InvalidPayload] = field(default_factory=dict)

    @property
    def missing(self) -> frozenset[str]:
        return self.codes - set(self.examples)

    def summary(self) -> str:
        reached = len(self.codes) - len(self.missing)
        text = f"{self.schema}: {reached}/{len(self.codes)} rule codes reached"
        return text + (f"; missing {', '.join(sorted(self.missing))}" if self.missing else "")


def coverage(schema_id: str, *, examples: int = 1) -> Coverage:
    """Draw ``examples`` invalid payloads for each rule code of ``schema_id`` (deterministically).

    A code no draw can reach is left out of ``Coverage.examples`` and listed in ``missing``.
    """
    codes = rule_codes(schema_id)
    found = {code: example for code in sorted(codes) if (example := _first(schema_id, code, examples)) is not None}
    return Coverage(schema_id, codes, found)


def _first(schema_id: str, code: str, examples: int) -> InvalidPayload | None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable

    drawn: list[InvalidPayload] = []

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(invalid_payloads(schema_id, code))
    def probe(example: InvalidPayload) -> None:
        drawn.append(example)

    with contextlib.suppress(Unsatisfiable):  # no draw reaches the code: reported as missing
        probe()
    return drawn[0] if drawn else None
