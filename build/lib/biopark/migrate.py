"""Alembic, driven from code: the migrations are the only schema source."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from biopark.config import REPO_ROOT, get_settings


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for the repository's migrations and the given (or configured) URL."""
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url or get_settings().resolved_database_url())
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database schema up to the revision."""
    command.upgrade(alembic_config(url), revision)


def check(url: str | None = None) -> None:
    """Fail when the models and the migrations disagree."""
    command.check(alembic_config(url))
