"""The one error tree of tally.

Every exception tally raises on purpose derives from :class:`TallyError`; each stage adds its
own module of subclasses.  Foreign exceptions are translated at the adapter that meets them and
chained with ``raise ... from exc``.  Only the CLI and the web layer *present* errors.

::

    TallyError
    ├── ConfigError                 bad settings, workspace missing or unreadable
    ├── StoreError                  database trouble (connection, migration, integrity)
    │   └── NotFoundError           an id that is not in the workspace
    ├── AuditError                  the audit hash chain is broken
    ├── GazetteerError              a gazetteer file is malformed
    ├── InputError                  bad user input; names file / row / field
    │   └── IngestError             a file could not be ingested
    ├── ExtractError                claim extraction could not run
    ├── LinkError                   record linkage could not run
    ├── EstimateError               an estimate is impossible (unidentifiable, too few lists …)
    ├── ReconcileError              reconciliation could not run
    └── ReportError                 a report could not be written
"""

from __future__ import annotations

from dataclasses import dataclass


class TallyError(Exception):
    """Base of every error tally raises on purpose."""


class ConfigError(TallyError):
    """Settings or workspace are unusable."""


class StoreError(TallyError):
    """The database could not do what was asked."""


class NotFoundError(StoreError):
    """An id that is not in the workspace."""


class AuditError(TallyError):
    """The audit log's hash chain is broken."""


class GazetteerError(TallyError):
    """A gazetteer file is malformed."""


@dataclass(frozen=True)
class Problem:
    """One problem in user input, located as precisely as possible."""

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"column {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class InputError(TallyError):
    """Bad user input; carries every :class:`Problem` found, not only the first."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class IngestError(InputError):
    """A file could not be ingested."""


class ExtractError(TallyError):
    """Claim extraction could not run."""


class LinkError(TallyError):
    """Record linkage could not run."""


class EstimateError(TallyError):
    """An estimate is impossible for this data (too few lists, unidentifiable model …)."""


class ReconcileError(TallyError):
    """Reconciliation could not run."""


class ReportError(TallyError):
    """A report or export could not be written."""
