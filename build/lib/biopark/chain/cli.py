"""`biopark chain ...`: gaps of a park's chain and the import of candidate firms."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.chain import gaps
from biopark.db import session_scope
from biopark.errors import BioparkError, NotFound
from biopark.parks import service as parks
from biopark.parks.models import Park

app = typer.Typer(help="Industry chain (产业链): gaps and candidate firms.", no_args_is_help=True)
console = Console()


def _park(session: Session, code: str | None) -> Park:
    if code:
        return parks.get_park_by_code(session, code=code)
    found = list(session.scalars(select(Park).limit(2)))
    if len(found) != 1:
        raise NotFound("请用 --park 指定园区代码", en="Give the park with --park CODE")
    return found[0]


@app.command("gaps")
def gaps_command(
    park: str = typer.Option(..., "--park", help="Park code, e.g. cq-biocity."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the chain's gaps (短板) and weak links (弱项), worst first, with candidates."""
    try:
        with session_scope() as session:
            found = gaps.gaps_for_park(session, park_id=_park(session, park).id)
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    table = Table("环节 link", "分数 score", "原因 reasons", "候选企业 candidates")
    for gap in found:
        link = gap["link"]
        table.add_row(
            f"{link['name']} ({link['code']})",
            str(link["score"]),
            "；".join(r["zh"] for r in link["reasons"]),
            "、".join(c["name"] for c in gap["candidates"]) or "—",
        )
    console.print(table)


@app.command("import-candidates")
def import_candidates(
    file: Path = typer.Argument(
        ..., help="An .xlsx or .csv file: 环节, 企业名称, 地区, 推荐理由, 联系方式."
    ),
    park: str | None = typer.Option(
        None, "--park", help="Park code (needed when several parks exist)."
    ),
) -> None:
    """Import candidate firms for the chain's links; the whole file or nothing."""
    if not file.is_file():
        console.print(f"[red]文件不存在：{file}[/red]")
        raise typer.Exit(1)
    try:
        with session_scope() as session:
            result = gaps.import_candidates(
                session,
                park_id=_park(session, park).id,
                filename=file.name,
                content=file.read_bytes(),
            )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已导入：新增 {result.created}，更新 {result.updated}（批次 {result.batch}）")
