"""`biopark park ...`: list and create parks."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks import service
from biopark.parks.schemas import ParkCreate

CLI_NAME = "park"
app = typer.Typer(help="Parks.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_parks() -> None:
    """List parks."""
    with session_scope() as session:
        table = Table("code", "name", "district")
        for p in service.list_parks(session):
            table.add_row(p.code, p.name, p.district or "")
        console.print(table)


@app.command("create")
def create(
    code: str = typer.Option(..., help="Short code (a-z, 0-9, -)."),
    name: str = typer.Option(..., help="Chinese name."),
    district: str = typer.Option("", help="District."),
    city: str = typer.Option("", help="City."),
) -> None:
    """Create a park."""
    try:
        data = ParkCreate(code=code, name=name, district=district or None, city=city or None)
        with session_scope() as session:
            service.create_park(session, data=data)
    except ValidationError as exc:
        console.print("[red]输入有误：" + "; ".join(str(e["msg"]) for e in exc.errors()))
        raise typer.Exit(1) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已创建园区 {code}")
