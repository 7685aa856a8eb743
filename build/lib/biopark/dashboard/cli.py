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
    out: Path = typer.Option(..., "--out", help="Output .docx (or .html) file."),
) -> None:
    """Write the monthly report of a park as .docx (or .html when OUT ends with .html)."""
    from biopark.dashboard import report
    from biopark.dashboard.api import render_report

    with session_scope() as session:
        try:
            rep = report.build(session, park_id=_park_id(session, park), month=month)
        except BioparkError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        if out.suffix.lower() in (".html", ".htm"):
            out.write_text(render_report(rep), encoding="utf-8")
        else:
            out.write_bytes(report.to_docx(rep))
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
