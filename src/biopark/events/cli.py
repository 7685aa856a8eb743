"""`biopark events ...`: events and their results."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.events import service
from biopark.events.models import Event
from biopark.kit.money import format_cny
from biopark.parks.service import get_park_by_code

app = typer.Typer(help="Investment-promotion events (活动招商).", no_args_is_help=True)
console = Console()


@app.command("results")
def results(park: str = typer.Option("cq-biocity", help="Park code.")) -> None:
    """Per event: registrations, check-ins, leads, signed projects and agreed investment."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            events = list(
                session.scalars(
                    select(Event).where(Event.park_id == p.id).order_by(Event.starts_on.desc())
                )
            )
            rows = service.results(session, park_id=p.id, events=events)
            dates = {e.id: f"{e.starts_on}" for e in events}
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from None
    table = Table("id", "活动", "日期", "报名", "签到", "线索", "签约项目", "协议投资额")
    for r in rows:
        table.add_row(
            str(r.event_id),
            r.name,
            dates[r.event_id],
            str(r.registrations),
            str(r.checked_in),
            str(r.leads),
            str(r.signed_projects),
            format_cny(r.agreed_investment),
        )
    console.print(table)


@app.command("list")
def list_events(park: str = typer.Option("cq-biocity", help="Park code.")) -> None:
    """List the park's events with their dates, place and public sign-up path."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            table = Table("id", "活动", "类型", "日期", "城市", "地点", "报名页")
            for e in session.scalars(
                select(Event).where(Event.park_id == p.id).order_by(Event.starts_on.desc())
            ):
                days = f"{e.starts_on}" + (f"–{e.ends_on}" if e.ends_on != e.starts_on else "")
                table.add_row(
                    str(e.id), e.name, e.kind.value, days, e.city, e.place, f"/signup/{e.code}"
                )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from None
    console.print(table)
