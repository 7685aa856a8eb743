"""`biopark spaces ...`: the inventory and its occupancy."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks.service import get_park_by_code
from biopark.spaces import stats
from biopark.spaces.models import LETTABLE, Availability, Space

app = typer.Typer(help="Space inventory (载体).", no_args_is_help=True)
console = Console()


@app.command("list")
def list_spaces(
    park: str = typer.Option("cq-biocity", help="Park code."),
    available: bool = typer.Option(False, help="Only units, labs and land still available."),
) -> None:
    """List the park's units, labs and land parcels."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            stmt = select(Space).where(Space.park_id == p.id, Space.kind.in_(LETTABLE))
            if available:
                stmt = stmt.where(Space.status == Availability.available)
            table = Table("id", "名称", "类型", "状态", "面积 m²", "亩", "洁净等级")
            for s in session.scalars(stmt.order_by(Space.kind, Space.name)):
                table.add_row(
                    str(s.id),
                    s.name,
                    s.kind.value,
                    s.status.value,
                    f"{s.area_m2 or 0:,.0f}",
                    f"{s.land_mu:,.2f}" if s.land_mu else "",
                    s.cleanroom_grade or "",
                )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from None
    console.print(table)


@app.command("occupancy")
def occupancy(park: str = typer.Option("cq-biocity", help="Park code.")) -> None:
    """Print occupancy and vacancy of floor space and the land still available."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            o = stats.occupancy(session, park_id=p.id)
    except BioparkError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from None
    console.print(
        f"楼宇 {o['floor_total_m2']:,.0f} m² · 出租率 {o['occupancy_rate'] or 0}% · "
        f"空置率 {o['vacancy_rate'] or 0}% · 可供地块 {o['land_mu']['available']:,.2f} 亩 "
        f"/ {o['land_total_mu']:,.2f} 亩"
    )
