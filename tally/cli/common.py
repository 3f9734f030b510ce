"""Helpers the command modules share: opening the workspace, tables, progress bars."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tally.cli.app import console, err_console, state
from tally.store.workspace import Workspace


def workspace(*, create: bool = False, note_outside: bool = True) -> Workspace:
    """The workspace named by --workspace / $TALLY_HOME / the current directory; with *note_outside*,
    a note on stderr if its data were changed around tally since tally's last write."""
    from tally.pipeline import open_workspace
    from tally.store.audit import outside_note, pending_outside_changes, revision

    ws = open_workspace(state.workspace, create=create, actor=state.actor)
    with ws.connect() as conn:
        # data changed around tally (plain SQL, another program): say so, whatever the command
        outside = pending_outside_changes(conn)
        if ws.settings.answers_refresh:
            state.opened.append((ws, revision(conn)))
    if outside and note_outside:
        err_console.print(f"[yellow]note:[/yellow] {outside_note(outside)}",
                          highlight=False, soft_wrap=True)
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
        if report.refreshed or report.prepared or report.failed or report.rows is not None:
            err_console.print(report.summary(), highlight=False, soft_wrap=True)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """A Rich table of *rows* under *columns*, laid out so that no figure and no word is broken.

    A figure broken over two lines ("1,771–1,77" over "7") is a misread toll, and "conf/irme/d" is
    hard to read: columns of figures are kept on one line and text columns wrap between words, in
    a boxed table if that fits the console, else in a compact one (no outer edge, one space of
    padding); failing that, a figure and its interval ("1,996 [1,881–2,165]") may go on two lines;
    failing that, the compact table folds words in its widest columns rather than cut anything off.
    """
    cells = [["" if v is None else str(v) for v in r] for r in rows]
    n = len(columns)
    values = [[r[i] for r in cells if i < len(r)] for i in range(n)]
    figures = [bool(column) and all(_FIGURES.fullmatch(v) for v in column) for column in values]
    # widths: a whole cell (or header) of a figures column; the longest word of any column
    whole = [max(len(v) for v in [*column, header]) for column, header in zip(values, columns, strict=True)]
    word = [min(_WORD_MAX, max(len(w) for v in [*column, header] for w in (v.split() or [""])))
            for column, header in zip(values, columns, strict=True)]
    kept = sum(w if f else x for w, x, f in zip(whole, word, figures, strict=True))
    boxed, compact = 3 * n + 1, 2 * (n - 1)  # what borders and padding take
    layouts = [(kept + boxed, True, True), (kept + compact, False, True), (sum(word) + compact, False, False)]
    fit = next(((boxed_, whole_) for need, boxed_, whole_ in layouts if need <= console.width), None)
    boxed_, whole_ = fit or (False, False)
    kw: dict[str, Any] = {} if boxed_ else {"box": box.SIMPLE_HEAD, "show_edge": False, "pad_edge": False,
                                           "collapse_padding": True}
    t = Table(title=title, show_lines=False, header_style="bold", **kw)
    widths: list[int | None] = [None] * n
    room = console.width - (boxed if boxed_ else compact)
    if fit is None and sum(whole) > room:
        # Too many columns for every word: the narrow columns keep theirs and the widest share what
        # is left equally (so words are broken in as few columns as can be), nothing is cut off.
        widths = [max(1, x) for x in word]
        left, wide = room, sorted(range(n), key=lambda i: word[i])
        while wide and word[wide[0]] <= left // len(wide):
            left -= word[wide.pop(0)]
        for k, i in enumerate(wide):
            widths[i] = max(1, left // len(wide) + (1 if k < left % len(wide) else 0))
    elif fit is not None and sum(whole) > room:
        # Rich would narrow the widest columns below their longest word: share out the width here,
        # each column its need and the room left in proportion to what wrapping takes from it
        need = [w if f and whole_ else x for w, x, f in zip(whole, word, figures, strict=True)]
        extra = [w - x for w, x in zip(whole, need, strict=True)]
        spare = room - sum(need)
        share = [spare * e // max(1, sum(extra)) for e in extra]
        share[extra.index(max(extra))] += spare - sum(share)
        widths = [x + s for x, s in zip(need, share, strict=True)]
    for c, f, w, width in zip(columns, figures, word, widths, strict=True):
        t.add_column(c, overflow="fold", no_wrap=f and whole_, min_width=w if fit else None, width=width)
    for r in cells:
        t.add_row(*r)
    return t


_FIGURES = re.compile(r"[\d.,%~<>+\-–\[\] ]*")  # numbers, ranges and intervals
_WORD_MAX = 20  # characters: a longer word (an address) may be folded


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
