"""Command-line interface: a thin Typer shell over the library API.

Each stage's commands live in their own module and register on :data:`tally.cli.app.app`
when imported here.
"""

from __future__ import annotations

import gc
import sys

# Importing the commands' libraries (SQLAlchemy, pydantic, Typer, Rich) allocates several hundred
# thousand objects that live as long as the process: the collector's passes over them while they
# are imported, and its first pass after, only cost time, so it waits, and they go straight to its
# oldest generation (as tally.pipeline's _gc_paused does for a national query's objects).
_collecting = gc.isenabled()
gc.disable()
try:
    from tally.cli.app import app, err_console, state
    from tally.core.errors import InputError, TallyError

    # Command modules register themselves on import (one line per stage, sorted).
    from tally.cli import estimate as _estimate  # noqa: E402,F401
    from tally.cli import extract as _extract  # noqa: E402,F401
    from tally.cli import ingest as _ingest  # noqa: E402,F401
    from tally.cli import link as _link  # noqa: E402,F401
    from tally.cli import reconcile as _reconcile  # noqa: E402,F401
    from tally.cli import report as _report  # noqa: E402,F401
    from tally.cli import simulate as _simulate  # noqa: E402,F401
finally:
    if _collecting:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


def main() -> None:
    """Entry point of the ``tally`` command: one line per error, non-zero exit."""
    try:
        app(standalone_mode=True)
    except TallyError as exc:
        if state.debug:
            raise
        err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        if isinstance(exc, InputError):
            for p in exc.problems:
                err_console.print(f"  {p}", highlight=False, soft_wrap=True)
        sys.exit(1)
    finally:
        # The command is done: spare the interpreter's shutdown its collections over every object
        # left (SQLAlchemy's, pydantic's and Rich's modules, the gazetteer), a seventh of a second
        # per command.  Frozen objects are still freed as usual, only never scanned for cycles.
        gc.freeze()


__all__ = ["app", "main"]
