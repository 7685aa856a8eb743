"""`biopark audit verify`: check the hash chain of the shared record."""

from __future__ import annotations

import typer
from rich.console import Console

from biopark.audit import chain
from biopark.db import session_scope

app = typer.Typer(help="Audit trail and its hash chain (the shared record).", no_args_is_help=True)
console = Console()


@app.command("verify")
def verify(
    record: bool = typer.Option(True, help="Keep the result for the chain page."),
) -> None:
    """Exit 0 when the chain is intact; otherwise exit 1 naming the first broken entry."""
    with session_scope() as session:
        report = chain.verify(session)
        if record:
            chain.record_check(session, report=report, source="cli")
    if report.ok:
        console.print(f"[green]OK[/green] {report.message()}")
        return
    console.print(f"[red]BROKEN[/red] {report.message()}")
    raise typer.Exit(1)
