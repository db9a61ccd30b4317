"""wanspec: executable contracts for the Alibaba Wan model APIs.

Lint request payloads for the Wan video and image models (as served by Runware,
WaveSpeedAI and ToAPIs) against JSON Schemas built from the providers' documentation::

    >>> import wanspec
    >>> [d.code for d in wanspec.lint_payload({"model": "alibaba:wan@2.6", "duration": 7})]  # doctest: +SKIP
    ['WS110', 'WS110', 'WS110', 'WS500', 'WS407']

Lint a repository as ``wanspec lint`` does (its configuration, baseline and fixes)::

    >>> run = wanspec.lint_project(wanspec.ProjectSettings(paths=("payloads",)))  # doctest: +SKIP
    >>> wanspec.exit_status(run.result)  # doctest: +SKIP
    <ExitStatus.FINDINGS: 1>
"""

from __future__ import annotations

from .catalog.store import Rule, SchemaEntry
from .catalog.views import get_rule, list_rules, list_schemas, load_schema
from .errors import UsageError, WanspecError
from .lint.events import LintEvents
from .lint.paths import lint_paths
from .lint.run import LintOptions, lint_file, lint_payload
from .lint.stream import lint_records
from .project.run import ProjectRun, ProjectSettings, lint_project, project_options
from .records import Diagnostic, ExitStatus, LintResult, Severity, exit_status

__version__ = "0.1.0.dev0"

__all__ = [
    "Diagnostic",
    "ExitStatus",
    "LintEvents",
    "LintOptions",
    "LintResult",
    "ProjectRun",
    "ProjectSettings",
    "Rule",
    "SchemaEntry",
    "Severity",
    "UsageError",
    "WanspecError",
    "__version__",
    "exit_status",
    "get_rule",
    "lint_file",
    "lint_paths",
    "lint_payload",
    "lint_project",
    "lint_records",
    "list_rules",
    "list_schemas",
    "load_schema",
    "project_options",
]
