"""wanspec: executable contracts for the Alibaba Wan model APIs.

Lint request payloads for the Wan video and image models (as served by Runware,
WaveSpeedAI and ToAPIs) against JSON Schemas built from the providers' documentation::

    >>> import wanspec
    >>> [d.code for d in wanspec.lint_payload({"model": "alibaba:wan@2.6", "duration": 7})]  # doctest: +SKIP
    ['WS110', 'WS110', 'WS110', 'WS500', 'WS407']
"""

from __future__ import annotations

from .catalog.store import Rule, SchemaEntry
from .catalog.views import get_rule, list_rules, list_schemas, load_schema
from .lint.events import LintEvents
from .lint.run import LintOptions, UsageError, lint_file, lint_paths, lint_payload
from .lint.stream import lint_records
from .records import Diagnostic, LintResult, Severity

__version__ = "0.1.0.dev0"

__all__ = [
    "Diagnostic",
    "LintEvents",
    "LintOptions",
    "LintResult",
    "Rule",
    "SchemaEntry",
    "Severity",
    "UsageError",
    "__version__",
    "get_rule",
    "lint_file",
    "lint_paths",
    "lint_payload",
    "lint_records",
    "list_rules",
    "list_schemas",
    "load_schema",
]
