"""`biopark demo load`: the demo park."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from biopark.db import session_scope
from biopark.demo.service import load_demo

app = typer.Typer(help="Demo park (重庆国际生物城).", no_args_is_help=True)
console = Console()


@app.command("load")
def load(
    password: str = typer.Option(
        "", help="Password for the demo users created now (default: random, printed once)."
    ),
) -> None:
    """Load the demo park; loading twice changes nothing."""
    with session_scope() as session:
        result = load_demo(session, password=password or None)
        park_name = result.park.name
    console.print(f"演示园区已就绪 / demo park ready: {park_name}")
    if result.created_users:
        table = Table("username", "password", title="演示账号（密码仅显示一次 / shown once）")
        for name, pw in result.created_users.items():
            table.add_row(name, pw)
        console.print(table)
