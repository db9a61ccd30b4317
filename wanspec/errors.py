"""Every exception wanspec raises, in one tree.

``WanspecError`` is the root. Below it:

* ``UsageError``: the request cannot be carried out as given (a path that does not
  exist, an unknown schema id or rule, a bad option). The command line exits 2.

  * ``UnknownNameError``: a name that is not in the catalogue (a rule, a schema, a
    reporter, a provider), with the closest known names as suggestions. It is also a
    ``KeyError``, so ``except KeyError`` around a look-up keeps working.
  * ``ConfigError``: a project configuration file is malformed or contradicts itself.

* ``CatalogError``: a bundled schema file is missing or malformed: an installation
  problem, not a finding. The command line exits 2 and says so.
* ``WorkerError``: a worker process of a parallel lint raised or died (killed, out of
  memory), so the run is incomplete. The command line exits 2: a file that was not
  linted is never reported as passing.
* ``ContractError`` (``wanspec.contract``): the root of the contract layer's errors
  (protocol, transport, provider and recording errors).

The core raises these and never prints; the command line turns them into a message
and exit status 2 in one place (``wanspec.cli.commands.run_command``).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CatalogError",
    "ConfigError",
    "ContractError",
    "UnknownNameError",
    "UsageError",
    "WanspecError",
    "WorkerError",
    "suggest",
]


class WanspecError(Exception):
    """Root of every exception wanspec raises on purpose."""


class WorkerError(WanspecError):
    """A worker process of a parallel lint failed; what it was linting went unchecked."""


class UsageError(WanspecError):
    """The request cannot be carried out as given (exit status 2 at the command line)."""


class ConfigError(UsageError):
    """A configuration file is malformed; the message names the file and the key."""


class CatalogError(WanspecError):
    """A schema file is missing or malformed: an installation problem, not a finding."""


class ContractError(WanspecError):
    """Base class of every error raised by ``wanspec.contract``."""


def suggest(name: str, known: Iterable[str], *, cutoff: float = 0.75) -> str | None:
    """The known name closest to ``name`` when it is a near typo, else None.

    Compared case-insensitively; ``cutoff`` is difflib's similarity ratio, high enough
    that a different model version is not offered for a typo (``wan@2.7`` is not
    ``wan@2.6``: the caller decides how to treat those).
    """
    import difflib  # deferred: only a mistake pays for it (start-up of every run)

    by_folded = {k.casefold(): k for k in known}
    hits = difflib.get_close_matches(name.casefold(), list(by_folded), n=1, cutoff=cutoff)
    return by_folded[hits[0]] if hits else None


class UnknownNameError(UsageError, KeyError):
    """A name the catalogue does not know: a rule, a schema id, a reporter, a provider."""

    def __init__(
        self, kind: str, name: str, known: Iterable[str], *, listing: str | None = None, message: str | None = None
    ) -> None:
        known = list(known)
        self.kind, self.name, self.known = kind, name, known
        self.suggestion = suggest(name, known)
        if message is not None:
            super().__init__(message)
            return
        if self.suggestion is not None:
            tail = f"; did you mean {self.suggestion!r}?"
        elif listing is not None:
            tail = f"; {listing}"
        elif len(known) <= 12:
            tail = f"; choose from {', '.join(known)}"
        else:
            tail = ""
        super().__init__(f"unknown {kind} {name!r}{tail}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])
