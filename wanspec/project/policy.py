"""What a project's configuration changes for each file: which files, which schema, which rules.

A ``Policy`` is built once from a config file (``_config``) and carried by
``LintOptions.policy``; the linter asks it, per file, for the options that apply there
(a schema chosen by glob, per-file ignores) and, per finding, for the severity. It is a
frozen, picklable record so forked workers (``_parallel``) apply exactly the same rules.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..records import Severity
from ..recordtype import recordclass, replace
from .globs import GlobSet

if TYPE_CHECKING:
    from ..lint.run import LintOptions

OFF = "off"


@recordclass
class Policy:
    """Per-file choices from a project config, with globs relative to ``base``."""

    base: str
    include: GlobSet | None = None  # None: every file the paths expand to
    exclude: GlobSet | None = None
    schemas: tuple[tuple[GlobSet, str], ...] = ()  # first match wins; --schema beats it
    per_file_ignores: tuple[tuple[GlobSet, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()  # code -> error | warning | info | off

    def keeps(self, path: str) -> bool:
        """Whether ``path`` is linted: inside ``include`` (if given) and outside ``exclude``."""
        if path == "-":
            return True
        if self.include is not None and not self.include.match(path):
            return False
        return not (self.exclude is not None and self.exclude.match(path))

    def options_for(self, file: str, options: LintOptions) -> LintOptions:
        """The options for one file: the schema its glob names, its ignores, rules turned off."""
        return _options_for(self, file, options)

    def severity_of(self, code: str, default: Severity) -> Severity:
        """The severity the config gives ``code`` (rules it turns off never get here)."""
        for c, s in self.severity:
            if c == code and s != OFF:
                return Severity(s)
        return default


@lru_cache(maxsize=1024)
def _options_for(policy: Policy, file: str, options: LintOptions) -> LintOptions:
    schema = options.schema
    if schema is None:
        schema = next((sid for globs, sid in policy.schemas if globs.match(file)), None)
    ignore = list(options.ignore)
    ignore += [code for code, severity in policy.severity if severity == OFF]
    for globs, codes in policy.per_file_ignores:
        if globs.match(file):
            ignore += codes
    if schema == options.schema and len(ignore) == len(options.ignore):
        return options
    return replace(options, schema=schema, ignore=tuple(ignore))
