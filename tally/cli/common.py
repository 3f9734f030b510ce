"""Helpers the command modules share: opening the workspace, tables, progress bars."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tally.cli.app import console, err_console, state
from tally.store.workspace import Workspace


def workspace(*, create: bool = False) -> Workspace:
    """The workspace named by --workspace / $TALLY_HOME / the current directory."""
    from tally.pipeline import open_workspace
    from tally.store.audit import revision

    ws = open_workspace(state.workspace, create=create, actor=state.actor)
    if ws.settings.answers_refresh:
        with ws.connect() as conn:
            state.opened.append((ws, revision(conn)))
    return ws


def keep_answers_current() -> None:
    """After a command: in each workspace it wrote to, work out again the kept answers that were
    slow to work out (``tally.pipeline.refresh_answers``), showing which on stderr."""
    from tally.pipeline import refresh_answers
    from tally.store.audit import revision

    opened, state.opened = state.opened, []
    for ws, before in opened:
        with ws.connect() as conn:
            if revision(conn) == before:
                continue
        try:
            with err_console.status("keeping slow answers current …") as status:
                report = refresh_answers(ws, progress=lambda what: status.update(f"keeping current: {what} …"))
        except Exception as exc:  # the write is done and stays; the answers are worked out when asked
            if state.debug:
                raise
            err_console.print(f"[yellow]warning:[/yellow] could not keep answers current: {exc}".splitlines()[0],
                              highlight=False, soft_wrap=True)
            continue
        if report.refreshed or report.failed or report.rows is not None:
            err_console.print(report.summary(), highlight=False, soft_wrap=True)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A Rich table of *rows* under *columns*."""
    t = Table(title=title, show_lines=False, header_style="bold")
    cells = [["" if v is None else str(v) for v in r] for r in rows]
    # A figure is not broken ("1,771–1,77" over "7": a misread toll): columns of figures are kept on
    # one line and the text columns give way, as long as the table still fits the console (else
    # everything folds, rather than be cut off).
    keep: list[int | None] = []
    for i in range(len(columns)):
        column = [r[i] for r in cells if i < len(r)]
        figures = bool(column) and all(_FIGURES.fullmatch(v) for v in column)
        keep.append(max(map(len, column)) if figures else None)
    if sum(w if w is not None else _TEXT_MIN for w in keep) + 3 * len(columns) + 1 > console.width:
        keep = [None] * len(columns)
    for c, w in zip(columns, keep, strict=True):
        t.add_column(c, overflow="fold", no_wrap=w is not None)
    for r in cells:
        t.add_row(*r)
    return t


_FIGURES = re.compile(r"[\d.,%~<>+\-–\[\] ]*")  # numbers, ranges and intervals
_TEXT_MIN = 8  # characters a text column is counted at when working out whether a table fits


_QUALIFIER_WORDS = {"at_least": "at least", "more_than": "more than", "about": "about", "up_to": "up to"}


def figure(count: object, qualifier: str | None) -> str:
    """A claim's figure as it reads: "at least 1,200", "about 230", "hundreds"."""
    words = _QUALIFIER_WORDS.get(qualifier or "")
    return f"{words} {count}" if words and count is not None else str(count or "")


def period(date_from: object, date_to: object) -> str:
    """A claim's period on one line: a day, "2025-03-06 to 2025-03-08", "to 2025-03-08", or nothing."""
    if date_from and date_to and date_from != date_to:
        return f"{date_from} to {date_to}"
    if date_from or date_to:
        return str(date_from or f"to {date_to}")
    return ""


def progress_bar(transient: bool = True) -> Progress:
    """A Rich progress display on stderr-like console for long work."""
    return Progress(SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=transient)
