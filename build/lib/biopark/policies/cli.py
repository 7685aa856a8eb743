"""`biopark policies ...`: match policies to a park's enterprises."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks.service import get_park_by_code
from biopark.policies import rules, service
from biopark.policies.models import BENEFITS

app = typer.Typer(help="Policy library and matching (政策直达).", no_args_is_help=True)
console = Console()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | date):
        return str(value)
    return value


@app.command("match")
def match(
    park: str = typer.Option(..., help="Park code, e.g. cq-biocity."),
    enterprise: int | None = typer.Option(None, help="Only this enterprise id."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per match, per line."),
    on: str | None = typer.Option(None, help="Match as of this date (YYYY-MM-DD, default today)."),
) -> None:
    """List qualified, nearly-qualified and cannot-evaluate matches."""
    try:
        as_of = date.fromisoformat(on) if on else date.today()
    except ValueError:
        console.print(f"[red]日期格式应为 YYYY-MM-DD：{on}[/red]")
        raise typer.Exit(2) from None
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            matches = service.match_park(session, park=found, as_of=as_of, enterprise_id=enterprise)
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    if as_json:
        for m in matches:
            typer.echo(json.dumps({k: _plain(v) for k, v in asdict(m).items()}, ensure_ascii=False))
        return
    table = Table("企业", "政策", "扶持", "结论", "说明", "金额")
    for m in matches:
        note = "；".join([*m.unmet, *m.missing_data]) or ("免申即享" if m.auto_grant else "")
        table.add_row(
            m.enterprise_name,
            m.policy_title,
            BENEFITS.get(m.benefit, m.benefit),
            rules.VERDICT_LABELS[m.verdict],
            note,
            m.amount_text,
        )
    console.print(table)
    counts = {v: sum(1 for m in matches if m.verdict == v) for v in rules.VERDICT_LABELS}
    console.print(
        "  ".join(f"{rules.VERDICT_LABELS[v]} {n}" for v, n in counts.items() if n),
        highlight=False,
    )
