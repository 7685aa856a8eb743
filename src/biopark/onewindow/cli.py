"""`biopark onewindow`: the service-item catalogue and the applications."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.onewindow import catalogue
from biopark.onewindow.itemsheet import ImportRejected
from biopark.onewindow.models import PART_STATUS_LABELS, ServiceItem, Submission
from biopark.parks.models import Park

app = typer.Typer(help="一窗综办: service items and applications.", no_args_is_help=True)
console = Console()


def _park_id(session: object, code: str) -> int:
    park_id = session.scalar(select(Park.id).where(Park.code == code))  # type: ignore[attr-defined]
    if park_id is None:
        console.print(f"[red]no park with code {code}[/red]")
        raise typer.Exit(1)
    return int(park_id)


@app.command("items")
def items(
    park: str = typer.Option("cq-biocity", "--park", help="Park code."),
    zero: bool = typer.Option(False, "--zero", help="Only 零材料 items."),
) -> None:
    """List the catalogue (事项清单)."""
    with session_scope(read_only=True) as session:
        park_id = _park_id(session, park)
        stmt = select(ServiceItem).where(ServiceItem.park_id == park_id).order_by(ServiceItem.code)
        if zero:
            stmt = stmt.where(ServiceItem.zero_material.is_(True))
        table = Table("code", "name", "零材料", "departments", "materials")
        for item in session.scalars(stmt):
            table.add_row(
                item.code,
                item.name,
                "✓" if item.zero_material else "",
                str(len(item.department_ids)),
                str(len(item.materials)),
            )
    console.print(table)


@app.command("submissions")
def submissions(park: str = typer.Option("cq-biocity", "--park", help="Park code.")) -> None:
    """List the applications with each department's status."""
    with session_scope(read_only=True) as session:
        park_id = _park_id(session, park)
        table = Table("number", "item", "status", "parts")
        for sub in session.scalars(
            select(Submission).where(Submission.park_id == park_id).order_by(Submission.id)
        ):
            parts = " ".join(PART_STATUS_LABELS[p.status] for p in sub.parts)
            table.add_row(sub.number, sub.item.name, PART_STATUS_LABELS[sub.status], parts)
    console.print(table)


@app.command("import-items")
def import_items(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help=".xlsx or .csv"),
    park: str = typer.Option(..., "--park", help="Park code."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would change; write nothing."
    ),
) -> None:
    """Import the 事项清单 (columns: 事项编码 事项名称 类别 说明 零材料 办理时限（工作日） 办理部门 材料); all or nothing."""
    try:
        with session_scope() as session:
            park_id = _park_id(session, park)
            report = catalogue.import_file(
                session,
                park_id=park_id,
                content=path.read_bytes(),
                filename=path.name,
                user=None,
                dry_run=dry_run,
            )
    except ImportRejected as exc:
        console.print("[red]导入失败，未做任何修改 / import refused, nothing changed[/red]")
        for err in exc.errors:
            console.print(f"[red]{err.message}[/red]  ({err.en})")
        raise typer.Exit(1) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]  ({exc.en})")
        raise typer.Exit(1) from None
    head = "试运行，未写入 / dry run, nothing written: " if dry_run else ""
    console.print(
        f"{head}新建 {len(report.created)}、更新 {len(report.updated)}、未变 {len(report.unchanged)} / "
        f"created {len(report.created)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}"
    )
    for label, codes in (("created", report.created), ("updated", report.updated)):
        if codes:
            console.print(f"{label}: {', '.join(codes)}")
