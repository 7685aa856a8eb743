"""`biopark investment ...`: QR codes, the daily digest, year stats, ledger import and export."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.accounts.models import User
from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.investment import excel, qr, service
from biopark.investment.config import get_investment_settings
from biopark.kit.dates import format_local
from biopark.parks import service as parks

app = typer.Typer(help="Investment pipeline (招商一码通).", no_args_is_help=True)
console = Console()


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(1)


@app.command("qr")
def qr_command(
    park: str = typer.Option(..., "--park", help="Park code, e.g. cq-biocity."),
    base_url: str = typer.Option("", help="Public address of the site (default from settings)."),
    out: Path = typer.Option(Path("."), help="Folder for the PNG and SVG files."),
) -> None:
    """Write the park's consultation QR code as PNG and SVG."""
    try:
        with session_scope() as session:
            code = parks.get_park_by_code(session, code=park).code
    except BioparkError as exc:
        raise _fail(exc.message) from None
    url = qr.consult_url(base_url or get_investment_settings().public_base_url, code)
    out.mkdir(parents=True, exist_ok=True)
    for kind in ("png", "svg"):
        path = out / f"consult-{code}.{kind}"
        path.write_bytes(qr.qr_bytes(url, kind))
        console.print(f"已写入 {path}")
    console.print(f"二维码指向 / QR points at: {url}")


@app.command("digest")
def digest(
    park: str = typer.Option(..., "--park", help="Park code."),
    days: int = typer.Option(3, help="Also list items due within this many days."),
) -> None:
    """Print each owner's overdue and due items (leads and projects)."""
    try:
        with session_scope() as session:
            p = parks.get_park_by_code(session, code=park)
            items = service.loop_items(session, park_id=p.id, horizon_days=max(days, 0))
    except BioparkError as exc:
        raise _fail(exc.message) from None
    if not items:
        console.print("没有到期或逾期事项 / nothing due")
        return
    by_owner: dict[str, list[service.OverdueItem]] = {}
    for item in items:
        by_owner.setdefault(item.owner_name or "（未指定负责人）", []).append(item)
    for owner, rows in sorted(by_owner.items()):
        late = sum(1 for r in rows if r.overdue)
        table = Table(
            "",
            "类型",
            "名称",
            "下一步",
            "截止",
            title=f"{owner}：逾期 {late}，即将到期 {len(rows) - late}",
        )
        for r in sorted(rows, key=lambda r: (not r.overdue, str(r.due))):
            due = format_local(r.due) if isinstance(r.due, datetime) else str(r.due or "—")
            table.add_row(
                "[red]逾期[/red]" if r.overdue else "到期",
                "线索" if r.kind == "lead" else "项目",
                f"#{r.id} {r.title}",
                r.next_action or "（无）",
                due,
            )
        console.print(table)


@app.command("stats")
def stats(
    park: str = typer.Option(..., "--park", help="Park code."),
    year: int = typer.Option(..., "--year", min=2000, max=2100),
    month_to: int = typer.Option(
        0, "--month-to", min=0, max=12, help="Last month (0: whole year or to date)."
    ),
    team: str = typer.Option("", help="Only this chain-leader team."),
    chain: str = typer.Option("", help="Only this chain."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The year's counts, sums and target progress."""
    try:
        with session_scope() as session:
            p = parks.get_park_by_code(session, code=park)
            result = service.year_stats(
                session,
                park_id=p.id,
                year=year,
                month_to=month_to or None,
                team=team or None,
                chain=chain or None,
            )
    except BioparkError as exc:
        raise _fail(exc.message) from None
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from biopark.kit.money import format_cny

    t = result.target
    table = Table(
        "指标", "完成", "年度目标", "完成率", title=f"{park} {year} 年 1–{result.month_to} 月"
    )
    table.add_row(
        "签约入库项目",
        str(result.signed_projects),
        str(t.projects if t else "—"),
        f"{result.progress.projects_pct or '—'}%",
    )
    table.add_row(
        "协议投资额",
        format_cny(result.agreed_investment),
        format_cny(t.agreed_investment) if t and t.agreed_investment else "—",
        f"{result.progress.agreed_investment_pct or '—'}%",
    )
    table.add_row(
        "到位资金",
        format_cny(result.funds_in_place),
        format_cny(t.funds_in_place) if t and t.funds_in_place else "—",
        f"{result.progress.funds_in_place_pct or '—'}%",
    )
    console.print(table)


def _user(session, username: str) -> User:  # type: ignore[no-untyped-def]
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise BioparkError(f"用户 {username} 不存在", en=f"No user {username}")
    return user


@app.command("import")
def import_command(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="Project ledger (.xlsx)."),
    user: str = typer.Option(..., "--user", help="Username recorded as the importer."),
) -> None:
    """Import a project ledger: every row or none."""
    try:
        with session_scope() as session:
            n = excel.import_ledger(session, user=_user(session, user), content=path.read_bytes())
    except excel.ImportRejected as exc:
        console.print(f"[red]导入被拒绝，未导入任何数据（{len(exc.errors)} 处错误）：[/red]")
        for line in exc.errors:
            console.print(f"  {line}")
        raise typer.Exit(1) from None
    except BioparkError as exc:
        raise _fail(exc.message) from None
    console.print(f"已导入 {n} 个项目")


@app.command("export")
def export_command(
    out: Path = typer.Argument(..., help="Output .xlsx file."),
    user: str = typer.Option(..., "--user", help="Export as this user (their park)."),
    year: int = typer.Option(0, help="Only projects registered (入库) in this year."),
    team: str = typer.Option("", help="Only this team."),
    chain: str = typer.Option("", help="Only this chain."),
) -> None:
    """Export the project ledger in print layout."""
    flt = service.ProjectFilter(year=year or None, team=team or None, chain=chain or None)
    try:
        with session_scope() as session:
            content = excel.export_ledger(session, user=_user(session, user), flt=flt)
    except BioparkError as exc:
        raise _fail(exc.message) from None
    out.write_bytes(content)
    console.print(f"已写入 {out}")
