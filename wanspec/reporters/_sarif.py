"""SARIF 2.1.0: one run whose ``tool.driver.rules`` is the whole rule catalogue.

Code scanning (GitHub's ``upload-sarif``) and IDE viewers read it. Results stream: the
log is written around them, so memory stays flat. Columns count Unicode code points
(``columnKind``), as wanspec's do.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from .. import __version__
from ..catalog import store
from ..records import Diagnostic, LintResult, Severity
from ._paths import file_uri, safe

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://wanspec.dev"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RESULTS, _INVOCATIONS = '"@results@"', '"@invocations@"'


def _rule(rule: store.Rule) -> dict[str, Any]:
    explanation = rule.explanation or rule.summary
    more = f"Run `wanspec explain {rule.code}` for an example."
    url = store.rule_urls().get(rule.code)  # the provider's page the rule comes from
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": explanation},
        "help": {
            "text": f"{explanation}\n\n{more}",
            "markdown": f"**{rule.code} {rule.name}**: {explanation}\n\n{more}",
        },
        **({"helpUri": url} if url else {}),
        "defaultConfiguration": {"level": LEVELS[Severity(rule.severity)]},
        "properties": {"category": rule.category, "tags": [rule.category]} if rule.category else {},
    }


def _text(d: Diagnostic) -> str:
    text = d.message if d.hint is None or d.hint in d.message else f"{d.message} ({d.hint})"
    return f"{text} [{d.doc}]" if d.doc else text


def _fingerprint(uri: str, d: Diagnostic) -> str:
    # stable across runs and across edits that only move lines: file, task, pointer, rule
    import hashlib

    key = f"{uri}\0{d.task}\0{d.pointer}\0{d.code}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


class SarifReporter:
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out
        self.count = 0
        self.index: dict[str, int] = {}
        self.tail = ""

    def _open(self) -> None:
        rules = store.rules()
        self.index = {code: i for i, code in enumerate(sorted(rules))}
        run = {
            "tool": {
                "driver": {
                    "name": "wanspec",
                    "version": __version__,  # PEP 440, not SemVer: so no semanticVersion
                    "informationUri": INFORMATION_URI,
                    "rules": [_rule(rules[c]) for c in sorted(rules)],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": "@results@",
            "invocations": "@invocations@",
        }
        text = json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2, ensure_ascii=False)
        head, self.tail = text.split(_RESULTS)
        self.out.write(head + "[")

    def emit(self, d: Diagnostic) -> None:
        if not self.index:
            self._open()
        uri = None if d.file is None else file_uri(d.file)  # from the name's bytes, before escaping
        d = safe(d)
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": self.index[d.code],
            "level": LEVELS[d.severity],
            "message": {"text": _text(d)},
        }
        properties: dict[str, Any] = {"pointer": d.pointer, "task": d.task, "schema": d.schema}
        if d.doc:  # the citation, and where to follow it
            properties.update(doc=d.doc, url=store.source_url(d.doc))
        if uri is not None:
            physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
            if d.line is not None:
                physical["region"] = {"startLine": d.line, "startColumn": d.column or 1}
            location: dict[str, Any] = {"physicalLocation": physical}
            if d.pointer:
                location["logicalLocations"] = [{"fullyQualifiedName": d.pointer, "kind": "member"}]
            result["locations"] = [location]
            result["partialFingerprints"] = {"wanspecFinding/v1": _fingerprint(uri, d)}
        result["properties"] = {k: v for k, v in properties.items() if v is not None}
        sep = "\n" if self.count == 0 else ",\n"
        self.out.write(sep + json.dumps(result, ensure_ascii=False))
        self.count += 1

    def finish(self, result: LintResult) -> None:
        if not self.index:
            self._open()
        invocations = json.dumps([{"executionSuccessful": result.environment_errors == 0}])
        self.out.write(("\n]" if self.count else "]") + self.tail.replace(_INVOCATIONS, invocations) + "\n")
