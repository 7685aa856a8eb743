"""`biopark user ...`: create users, list them, reset passwords."""

from __future__ import annotations

import secrets

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from biopark.accounts import service
from biopark.accounts.models import ROLE_LABELS, Role, User
from biopark.accounts.schemas import UserCreate
from biopark.db import session_scope
from biopark.errors import BioparkError
from biopark.parks.service import get_park_by_code

CLI_NAME = "user"
app = typer.Typer(help="Users and roles.", no_args_is_help=True)
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(1)


@app.command("create")
def create(
    park: str = typer.Option(..., help="Park code, e.g. cq-biocity."),
    username: str = typer.Option(..., help="Login name."),
    role: Role = typer.Option(..., help="Role."),
    display_name: str = typer.Option("", help="Name shown in the interface."),
    password: str = typer.Option(
        "", help="Password (omit to generate one and print it once).", show_default=False
    ),
    enterprise_id: int | None = typer.Option(None, help="Enterprise id (enterprise role)."),
    department_id: int | None = typer.Option(None, help="Department id (department role)."),
) -> None:
    """Create a user; prints the password once when it is generated."""
    plain = password or secrets.token_urlsafe(12)
    try:
        data = UserCreate(
            username=username,
            display_name=display_name or username,
            password=plain,
            role=role,
            enterprise_id=enterprise_id,
            department_id=department_id,
        )
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            user = service.create_user(session, park=p, data=data, actor=None)
            console.print(f"已创建用户 {user.username}（{ROLE_LABELS[user.role]}）")
    except ValidationError as exc:
        _fail("输入有误：" + "; ".join(str(e["msg"]) for e in exc.errors()))
    except BioparkError as exc:
        _fail(exc.message)
    if not password:
        console.print(f"密码 / password: [bold]{plain}[/bold]  （仅显示一次 / shown once）")


@app.command("list")
def list_users(park: str = typer.Option(..., help="Park code.")) -> None:
    """List the park's users."""
    try:
        with session_scope() as session:
            p = get_park_by_code(session, code=park)
            table = Table("id", "username", "name", "role", "active")
            for u in service.list_users(session, park_id=p.id):
                table.add_row(str(u.id), u.username, u.display_name, u.role.value, str(u.active))
            console.print(table)
    except BioparkError as exc:
        _fail(exc.message)


@app.command("password")
def reset_password(
    username: str = typer.Argument(..., help="Login name."),
    password: str = typer.Option("", help="New password (omit to generate one)."),
) -> None:
    """Set a new password for a user."""
    plain = password or secrets.token_urlsafe(12)
    try:
        with session_scope() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                _fail(f"用户 {username} 不存在")
            else:
                service.set_password(session, user=user, password=plain, actor=None)
    except BioparkError as exc:
        _fail(exc.message)
    console.print(f"新密码 / new password: [bold]{plain}[/bold]")
