"""``--statistics``: how often each rule fired, instead of the findings (like ``ruff --statistics``).

Sorted by count (most first), then code. Text is ``count  code  [*] name`` in aligned
columns (``[*]`` when some of them are fixable, as ruff marks them) and a total line;
JSON is a list of ``{"code", "name", "count", "fixable"}`` objects.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from ..catalog import store
from ..records import Diagnostic, LintResult

_BOLD, _RED, _RESET = "\x1b[1m", "\x1b[31m", "\x1b[0m"


def statistics(counts: Counter[str], fixable: Counter[str] | None = None) -> list[dict[str, object]]:
    """Rows ``{"code", "name", "count", "fixable"}`` sorted by count (descending), then code."""
    rules = store.rules()
    fixable = fixable or Counter()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        {"code": code, "name": rules[code].name if code in rules else "", "count": n, "fixable": fixable[code]}
        for code, n in ordered
    ]


class StatisticsReporter:
    def __init__(self, out: TextIO, colour: bool = False, *, as_json: bool = False) -> None:
        self.out, self.colour, self.as_json = out, colour, as_json
        self.counts: Counter[str] = Counter()
        self.fixable: Counter[str] = Counter()

    def emit(self, d: Diagnostic) -> None:
        self.counts[d.code] += 1
        if d.fixable:
            self.fixable[d.code] += 1

    def finish(self, result: LintResult) -> None:
        rows = statistics(self.counts, self.fixable)
        if self.as_json:
            self.out.write(json.dumps(rows, indent=2) + "\n")
            return
        width = max((len(str(r["count"])) for r in rows), default=1)
        for r in rows:
            code = str(r["code"])
            if self.colour:
                code = f"{_RED}{_BOLD}{code}{_RESET}"
            fix = "[*] " if r["fixable"] else "    "
            self.out.write(f"{r['count']:>{width}}\t{code}\t{fix}{r['name']}\n")
        if rows:
            total, fixable = sum(self.counts.values()), sum(self.fixable.values())
            self.out.write(f"{total:>{width}}\ttotal\t{fixable} fixable with `--fix`\n")
