"""The `biopark` command: one Typer tree, each domain adds its own sub-app.

Domain sub-apps are loaded on demand: `biopark --help` lists every domain of
registry.DOMAINS that has a cli.py from the file system (name and help text read
from the source, never imported), and only the sub-command that runs imports its
module and the libraries behind it. Start-up stays near the bare framework imports.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import typer
from typer import _click as click  # typer 0.29 vendors its own click
from typer.core import TyperGroup

from biopark import registry

_CLI_NAME = re.compile(r"^CLI_NAME\s*=\s*[\"']([\w-]+)[\"']", re.M)
_APP_HELP = re.compile(r'^app\s*=\s*typer\.Typer\(\s*help="((?:[^"\\]|\\.)*)"', re.M)
_DOCSTRING = re.compile(r'^\s*(?:"""|\'\'\')\s*(.*)', re.S)


@cache
def domain_commands() -> dict[str, tuple[str, str]]:
    """Sub-command name -> (domain, help), for every domain with a cli.py defining `app`."""
    found: dict[str, tuple[str, str]] = {}
    for domain in registry.DOMAINS:
        path = registry.PACKAGE_DIR / domain / "cli.py"
        try:
            source = path.read_text(encoding="utf-8")
        except OSError:
            continue
        if not re.search(r"^app\s*[:=]", source, re.M):
            continue
        name = _CLI_NAME.search(source)
        help_ = _APP_HELP.search(source)
        doc = _DOCSTRING.match(source)
        text = help_.group(1) if help_ else (doc.group(1).split("\n")[0] if doc else "")
        found[name.group(1) if name else domain] = (domain, text.strip().rstrip('"'))
    return found


class LazyGroup(TyperGroup):
    """The root group: domain sub-apps are listed from the file system, imported when run."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *domain_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        own = super().get_command(ctx, cmd_name)
        if own is not None or cmd_name not in domain_commands():
            return own
        domain, text = domain_commands()[cmd_name]
        if self._listing:
            # Help only needs the name and one line: no import.
            return TyperGroup(name=cmd_name, help=text)
        return _load(domain, cmd_name)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


@cache
def _load(domain: str, cmd_name: str) -> click.Command | None:
    module = registry.domain_module(domain, "cli")
    sub = getattr(module, "app", None) if module else None
    if not isinstance(sub, typer.Typer) or not (sub.registered_commands or sub.registered_groups):
        return None
    command = typer.main.get_group(sub)
    command.name = cmd_name
    return command


app = typer.Typer(cls=LazyGroup, help="biopark — 创新药产业生态圈数字平台", no_args_is_help=True)


@app.command("extract")
def extract(
    paths: list[Path] = typer.Argument(..., help="HTML pages or text snapshots (any encoding)."),
) -> None:
    """Print one JSON object per file (metrics, entities, events), in input order."""
    from biopark.intel.jsonl import extract_command

    extract_command(paths)


@app.command("reconcile")
def reconcile(
    park: str = typer.Option(..., "--park", help="Park code, e.g. cq-biocity."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Figures reported in the news set against the investment ledger."""
    from biopark.dashboard.cli import reconcile_command

    reconcile_command(park, as_json)


db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from biopark import migrate

    migrate.upgrade(revision=revision)
    typer.echo("数据库已升级 / database upgraded")


@db_app.command("check")
def db_check() -> None:
    """Fail when models and migrations disagree."""
    from biopark import migrate

    migrate.check()


@db_app.command("backup")
def db_backup(
    target: Path | None = typer.Argument(None, help="Backup file (default var/backups/...)."),
) -> None:
    """Copy the SQLite database consistently while the app runs (0600 file, 0700 folder)."""
    import sqlite3

    from biopark.config import get_settings, private_dir, private_file
    from biopark.kit.dates import now_utc

    settings = get_settings()
    url = settings.resolved_database_url()
    if not url.startswith("sqlite:///"):
        raise typer.BadParameter("PostgreSQL: use pg_dump (see README) / 请用 pg_dump")
    stamp = now_utc().strftime("%Y%m%d-%H%M%S")
    target = target or private_dir(settings.var_dir / "backups") / f"biopark-{stamp}.db"
    private_file(target)
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    dest = sqlite3.connect(target)
    with dest:
        source.backup(dest)
    source.close()
    dest.close()
    typer.echo(f"备份完成 / backup written: {target}")


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Address to bind (default from settings)."),
    port: int | None = typer.Option(None, help="Port (default 8000)."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
) -> None:
    """Serve the web app (--workers N processes) with an embedded job worker, unless
    BIOPARK_EMBEDDED_WORKER=false."""
    import uvicorn

    from biopark.config import get_settings
    from biopark.jobs.cli import embedded_worker
    from biopark.kit.logs import configure_logging

    settings = get_settings()
    configure_logging()
    trusted = settings.forwarded_allow_ips
    with embedded_worker(settings.embedded_worker):
        uvicorn.run(
            "biopark.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            # Client addresses (rate limits, audit) come from X-Forwarded-For only when the
            # connection comes from a proxy listed in BIOPARK_FORWARDED_ALLOW_IPS.
            proxy_headers=bool(trusted),
            forwarded_allow_ips=trusted or None,
            log_config=None,
            timeout_keep_alive=15,
        )


@app.command("worker")
def worker(
    workers: int = typer.Option(2, "--workers", min=1, max=64, help="Worker threads."),
    periodic: bool = typer.Option(True, help="Also enqueue the periodic jobs (the scheduler)."),
    exit_with_parent: bool = typer.Option(False, hidden=True, help="Stop when the parent dies."),
) -> None:
    """Consume the job queue (embedded SQLite queue, or Redis via BIOPARK_QUEUE_URL)."""
    from biopark.jobs.cli import worker_command

    worker_command(workers, periodic, exit_with_parent)


def main() -> None:
    app()
