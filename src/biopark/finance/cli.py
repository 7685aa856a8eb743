"""`biopark finance ...`: the financial product catalogue and financing needs."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.finance import service
from biopark.finance.models import NEED_STATUS_LABELS, PRODUCT_KINDS, FinanceProduct, FinancingNeed
from biopark.finance.schemas import ProductCreate
from biopark.kit import sheets
from biopark.kit.money import format_cny, parse_cny
from biopark.parks.service import get_park_by_code

app = typer.Typer(help="Financial products and financing needs (金融服务).", no_args_is_help=True)
console = Console()
KIND_BY_LABEL = {v: k for k, v in PRODUCT_KINDS.items()}
COLUMNS = (
    "产品名称",
    "产品类型",
    "提供机构",
    "额度下限",
    "额度上限",
    "利率/费率",
    "说明",
    "申请条件",
)


@app.command("products")
def products(park: str = typer.Option(..., help="Park code, e.g. cq-biocity.")) -> None:
    """List the park's financial products."""
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            rows = list(
                session.scalars(
                    select(FinanceProduct)
                    .where(FinanceProduct.park_id == found.id)
                    .order_by(FinanceProduct.kind, FinanceProduct.id)
                )
            )
            table = Table("id", "产品", "类型", "机构", "额度上限", "条件")
            for p in rows:
                table.add_row(
                    str(p.id),
                    p.name,
                    PRODUCT_KINDS[p.kind],
                    p.provider,
                    format_cny(p.amount_max) if p.amount_max else "—",
                    "；".join(service.describe_conditions(p.conditions)),
                )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(table)


def _product(row: dict[str, object]) -> ProductCreate:
    kind = str(row.get("产品类型") or "").strip()
    conditions = str(row.get("申请条件") or "").strip()
    money = {}
    for key, col in (("amount_min", "额度下限"), ("amount_max", "额度上限")):
        text = str(row.get(col) or "").strip()
        money[key] = parse_cny(text) if text else None
    return ProductCreate.model_validate(
        {
            "name": str(row.get("产品名称") or "").strip(),
            "kind": KIND_BY_LABEL.get(kind, kind),
            "provider": str(row.get("提供机构") or "").strip(),
            "rate_text": str(row.get("利率/费率") or "").strip() or None,
            "summary": str(row.get("说明") or "").strip(),
            "conditions": json.loads(conditions) if conditions else {"all": []},
            **money,
        }
    )


@app.command("add-product")
def add_product(
    park: str = typer.Option(..., help="Park code."),
    name: str = typer.Option(...),
    kind: str = typer.Option(..., help="loan | guarantee | fund | insurance"),
    provider: str = typer.Option(...),
    amount_max: str | None = typer.Option(None, help="e.g. 5000万元"),
    rate: str | None = typer.Option(None, help="Rate text, e.g. LPR+50BP"),
    conditions: str = typer.Option('{"all": []}', help="Rule JSON (policies syntax)."),
) -> None:
    """Add one product to the catalogue."""
    try:
        data = _product(
            {
                "产品名称": name,
                "产品类型": kind,
                "提供机构": provider,
                "额度上限": amount_max,
                "利率/费率": rate,
                "申请条件": conditions,
            }
        )
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            product = service.create_product(session, park_id=found.id, actor=None, data=data)
            console.print(f"已添加 / added: {product.id} {product.name}")
    except (ValidationError, ValueError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None


@app.command("import-products")
def import_products(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help=".xlsx or .csv"),
    park: str = typer.Option(..., help="Park code."),
) -> None:
    """Import products from a sheet (columns: 产品名称 产品类型 提供机构 额度下限 额度上限 利率/费率 说明 申请条件); all or nothing."""
    try:
        rows = sheets.read_rows(path.read_bytes(), filename=path.name)
    except sheets.SheetError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    if not rows:
        console.print("[red]文件没有表头[/red]")
        raise typer.Exit(2)
    header = [str(c or "").strip() for c in rows[0][1]]
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        console.print(f"[red]缺少列：{'、'.join(missing)}[/red]")
        raise typer.Exit(2)
    items: list[ProductCreate] = []
    errors: list[str] = []
    for line, row in rows[1:]:
        try:
            items.append(_product(dict(zip(header, row, strict=False))))
        except (ValidationError, ValueError) as exc:
            errors.append(f"第 {line} 行：{exc}")
    if errors:
        for e in errors:
            console.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            for data in items:
                service.create_product(session, park_id=found.id, actor=None, data=data)
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已导入 {len(items)} 个产品 / imported {len(items)} products")


@app.command("needs")
def needs(park: str = typer.Option(..., help="Park code.")) -> None:
    """List the park's financing needs, newest first."""
    try:
        with session_scope() as session:
            found = get_park_by_code(session, code=park)
            rows = list(
                session.scalars(
                    select(FinancingNeed)
                    .where(FinancingNeed.park_id == found.id)
                    .order_by(FinancingNeed.posted_at.desc())
                )
            )
            names = service.enterprise_names(session, {n.enterprise_id for n in rows})
            table = Table("id", "企业", "金额", "用途", "状态", "结果")
            for n in rows:
                outcome = (
                    f"{format_cny(n.granted_amount)} {n.granted_by or ''}"
                    if n.granted_amount
                    else ""
                )
                table.add_row(
                    str(n.id),
                    names.get(n.enterprise_id, ""),
                    format_cny(n.amount),
                    n.purpose,
                    NEED_STATUS_LABELS[n.status],
                    outcome,
                )
    except BioparkError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(table)
