"""`biopark dashboard report` and the root `biopark reconcile` command."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks.models import Park

app = typer.Typer(help="Dashboard (驾驶舱): monthly report.", no_args_is_help=True)


def _park_id(session: object, code: str) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    park = session.scalar(select(Park).where(Park.code == code))
    if park is None:
        typer.echo(f"园区不存在 / park not found: {code}", err=True)
        raise typer.Exit(2)
    return park.id


@app.command("report")
def report_command(
    park: str = typer.Option(..., "--park", help="Park code, e.g. cq-biocity."),
    month: str = typer.Option(..., "--month", help="YYYY-MM"),
    out: Path = typer.Option(..., "--out", help="Output file: .pdf, .docx or .html."),
    office: str = typer.Option("", "--office", help="Issuing office printed in the header."),
) -> None:
    """Write the monthly report (月报) of a park; the format follows OUT's extension."""
    from biopark.dashboard import report, report_render

    fmt = report_render.FORMATS.get(out.suffix.lower())
    if fmt is None:
        typer.echo(
            f"不支持的文件类型：{out.suffix or '（无扩展名）'}，请用 .pdf、.docx 或 .html / "
            "unsupported extension: use .pdf, .docx or .html",
            err=True,
        )
        raise typer.Exit(2)
    if not out.parent.exists():
        typer.echo(f"目录不存在 / folder not found: {out.parent}", err=True)
        raise typer.Exit(2)
    with session_scope() as session:
        try:
            rep = report.build(
                session, park_id=_park_id(session, park), month=month, office=office or None
            )
        except BioparkError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        data = report_render.render(rep, fmt)
    out.write_bytes(data)
    typer.echo(f"已生成 / written: {out}")


def reconcile_command(park: str, as_json: bool) -> None:
    """Print the park's reported figures against the ledger."""
    from biopark.dashboard import reconciliation

    with session_scope() as session:
        rows = [
            r.as_json()
            for r in reconciliation.reconcile_park(session, park_id=_park_id(session, park))
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        ledger = r["ledger_value"] or "—"
        typer.echo(
            f"[{r['status_label']}] {r['label']} {r['reported_value']} {r['unit']} "
            f"({r['period'] or '无期间'}) 台账 {ledger} — {r['reason']} "
            f"— {r['document_url']}"
        )
