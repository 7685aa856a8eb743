"""`biopark enterprises import/export FILE.xlsx`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy import select

from biopark.db import session_scope
from biopark.enterprises import excel
from biopark.enterprises.models import Enterprise
from biopark.errors import BioparkError
from biopark.parks.service import get_park_by_code

app = typer.Typer(help="Enterprise file (一企一档): Excel import and export.", no_args_is_help=True)
console = Console()


@app.command("import")
def import_(
    path: Path = typer.Argument(..., help="An .xlsx file in the export layout."),
    park: str = typer.Option("cq-biocity", help="Park code."),
) -> None:
    """Create or update enterprises from Excel; any bad row rejects the whole file."""
    if not path.is_file():
        console.print(f"[red]文件不存在：{path}[/red]")
        raise typer.Exit(2)
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            result = excel.import_xlsx(
                session, park_id=found.id, actor=None, content=path.read_bytes()
            )
    except excel.ImportRejected as exc:
        console.print("[red]导入失败，未做任何修改 / import refused, nothing changed:[/red]")
        for line in exc.rows:
            console.print(f"  {line}", highlight=False)
        raise typer.Exit(1) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"新建 {result.created} 家，更新 {result.updated} 家 / created, updated")


@app.command("export")
def export(
    path: Path = typer.Argument(..., help="Where to write the .xlsx file."),
    park: str = typer.Option("cq-biocity", help="Park code."),
) -> None:
    """Write every enterprise of the park to Excel."""
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            content = excel.export_xlsx(
                session, stmt=select(Enterprise).where(Enterprise.park_id == found.id)
            )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    path.write_bytes(content)
    console.print(f"已导出 / exported: {path}")
