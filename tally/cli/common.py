"""Helpers the command modules share: opening the workspace, tables, progress bars."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tally.cli.app import console, state
from tally.store.workspace import Workspace


def workspace(*, create: bool = False) -> Workspace:
    """The workspace named by --workspace / $TALLY_HOME / the current directory."""
    from tally.pipeline import open_workspace

    return open_workspace(state.workspace, create=create, actor=state.actor)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A Rich table of *rows* under *columns*."""
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if v is None else str(v) for v in r])
    return t


def progress_bar(transient: bool = True) -> Progress:
    """A Rich progress display on stderr-like console for long work."""
    return Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=transient)
