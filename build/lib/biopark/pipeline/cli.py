"""`biopark pipeline ...`: the drug funnel of a park and its city."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks import service as parks
from biopark.pipeline import service

app = typer.Typer(help="Drug pipeline (创新药管线).", no_args_is_help=True)
console = Console()


@app.command("funnel")
def funnel(
    park: str = typer.Option(..., "--park", help="Park code, e.g. cq-biocity."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Drugs per stage for the park and for its city (in research, clinical, on market)."""
    try:
        with session_scope() as session:
            park_id = parks.get_park_by_code(session, code=park).id
            own = service.funnel(session, park_id=park_id, scope="park")
            city = service.funnel(session, park_id=park_id, scope="city")
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    if as_json:
        payload = {"park": own.model_dump(mode="json"), "city": city.model_dump(mode="json")}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table("阶段 stage", "园区 park", "全市 city")
    for a, b in zip(own.stages, city.stages, strict=True):
        table.add_row(a.label, str(a.count), str(b.count))
    table.add_row("在研 in research", str(own.in_research), str(city.in_research))
    table.add_row("临床阶段 clinical", str(own.clinical), str(city.clinical))
    table.add_row("已获批 on market", str(own.on_market), str(city.on_market))
    console.print(table)
