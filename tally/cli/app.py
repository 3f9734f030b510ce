"""The Typer application object and the options every command shares."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:
    from tally.store.workspace import Workspace


def _after(_result: Any, **_options: Any) -> None:
    """After every command that succeeded: keep the slow answers of the workspaces it wrote to current."""
    from tally.cli.common import keep_answers_current

    keep_answers_current()


app = typer.Typer(
    name="tally",
    result_callback=_after,
    help="tally — a casualty observatory: ingest reports, extract claims, link victims, "
    "estimate the undocumented, reconcile tolls and publish.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# ``tally eval <stage>``: each stage's module adds its scoring command to this one group.
eval_app = typer.Typer(help="Score a stage's results against gold data or a simulation's key.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

console = Console()
err_console = Console(stderr=True)


class _State:
    workspace: Path | None = None
    actor: str | None = None
    debug: bool = False
    # Workspaces the command opened, each with its revision then: a command that moved it keeps
    # the slow answers current before it returns (tally.pipeline.refresh_answers).
    opened: list[tuple[Workspace, str]] = []


state = _State()

WorkspaceOpt = Annotated[
    Optional[Path],
    typer.Option("--workspace", "-w", help="Workspace directory (default: $TALLY_HOME or the current directory)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of a table.")]


def print_json(data: Any) -> None:
    """Print *data* as JSON on stdout (dates as ISO strings)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=None) + "\n")


@app.callback()
def _root(
    workspace: WorkspaceOpt = None,
    actor: Annotated[Optional[str], typer.Option("--actor", help="Who is acting, for the audit log (default: the OS user).")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """tally — a casualty observatory."""
    state.workspace = workspace
    state.actor = actor
    state.debug = debug
    state.opened = []
