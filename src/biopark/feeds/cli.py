"""`biopark feeds list|add|poll`: information sources from the command line."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.feeds import service
from biopark.feeds.models import Source
from biopark.feeds.schemas import SourceCreate
from biopark.kit.dates import format_local, now_utc
from biopark.parks.service import get_park_by_code

app = typer.Typer(help="Information sources (信息源管理).", no_args_is_help=True)
console = Console()


@app.command("list")
def list_sources(park: str = typer.Option("cq-biocity", help="Park code.")) -> None:
    """The park's sources and their last poll."""
    with session_scope() as session:
        park_id = get_park_by_code(session, code=park).id
        rows = list(
            session.scalars(select(Source).where(Source.park_id == park_id).order_by(Source.id))
        )
        table = Table("id", "name", "kind", "every", "last poll", "status", "new", "url")
        for s in rows:
            table.add_row(
                str(s.id),
                s.name,
                s.kind,
                f"{s.interval_minutes}m",
                format_local(s.last_polled_at),
                ("" if s.enabled else "off ") + (s.last_status or "—"),
                str(s.items_seen),
                s.url,
            )
    console.print(table)


@app.command("add")
def add(
    url: str = typer.Argument(..., help="Feed or page URL."),
    name: str = typer.Option(..., help="Display name."),
    kind: str = typer.Option("rss", help="rss or url."),
    interval: int = typer.Option(60, help="Minutes between polls."),
    park: str = typer.Option("cq-biocity", help="Park code."),
) -> None:
    """Add a source."""
    try:
        data = SourceCreate.model_validate(
            {"name": name, "kind": kind, "url": url, "interval_minutes": interval}
        )
        with session_scope() as session:
            park_id = get_park_by_code(session, code=park).id
            source = service.create_source(session, user=None, park_id=park_id, data=data)
            typer.echo(f"已添加 / added: #{source.id} {source.name}")
    except ValidationError as exc:
        console.print(f"[red]{exc.errors()[0]['msg']}")
        raise typer.Exit(2) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(2) from None


@app.command("poll")
def poll(
    source_id: int = typer.Argument(0, help="Source id (0: every source that is due)."),
) -> None:
    """Poll one source now, or every due source."""
    with session_scope() as session:
        if source_id:
            source = session.get(Source, source_id)
            if source is None:
                console.print("[red]信息源不存在 / source not found")
                raise typer.Exit(2)
            result = service.poll(session, source=source)
            typer.echo(result.model_dump_json())
        else:
            typer.echo(service.poll_due(session, now=now_utc()))
