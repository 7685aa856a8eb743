"""Test database: built by the migrations, on SQLite or PostgreSQL.

BIOPARK_TEST_DATABASE_URL chooses the server: unset means a fresh SQLite file;
a postgresql+psycopg URL means a fresh database created on that server for the
run and dropped after it. Each test runs in a transaction rolled back at the end.

The PostgreSQL pass runs only the tests that reach the test database (through
`database_url` or `empty_database_url`): the others never open it, so a second run
would repeat the first. They are pure functions, servers and workers on SQLite files
of their own, and the multi-process tests that always use PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from biopark import migrate
from biopark.app import create_app
from biopark.config import Settings
from biopark.db import get_session, make_engine

os.environ.setdefault("BIOPARK_SECRET_KEY", "test-secret-key-not-for-production")
# Tests change data and read the cockpit at once; the cache has its own test.
os.environ.setdefault("BIOPARK_DASHBOARD_CACHE_SECONDS", "0")


def _create_database(base_url: str) -> tuple[str, str]:
    url = make_url(base_url)
    name = f"biopark_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), name


def _drop_database(base_url: str, name: str) -> None:
    admin = create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def _own_database(sqlite_path: Path) -> Iterator[str]:
    """A new database on the run's server (PostgreSQL, dropped afterwards) or a SQLite file."""
    base = os.environ.get("BIOPARK_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{sqlite_path}"
        return
    url, name = _create_database(base)
    try:
        yield url
    finally:
        _drop_database(base, name)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _own_database(tmp_path_factory.mktemp("db") / "test.db") as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the test's own on the run's server, dropped afterwards."""
    with _own_database(tmp_path / "own.db") as url:
        yield url


DATABASE_FIXTURES = {"database_url", "empty_database_url"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, leave out the tests that never reach the test database."""
    if not os.environ.get("BIOPARK_TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    keep, skip = [], []
    for item in items:
        reaches = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if reaches else skip).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    conn = engine.connect()
    trans = conn.begin()
    sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        trans.rollback()
        conn.close()


@pytest.fixture
def app(session: Session, tmp_path: Path):  # type: ignore[no-untyped-def]
    application = create_app(Settings(var_dir=tmp_path, secret_key="test-secret", jobs_inline=True))

    def _session() -> Iterator[Session]:
        # The test's own setup is kept; the request then gets its own savepoint,
        # committed on success and rolled back on error, as in production.
        session.commit()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    application.dependency_overrides[get_session] = _session
    return application


@pytest.fixture
def client(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app)


@pytest.fixture
def empty_chain(session: Session) -> None:
    """An empty audit chain inside the test's own (rolled back) transaction: tests that share
    this worker's database may have committed entries, or removed them with their park."""
    session.execute(text("DELETE FROM audit_entry"))
    session.execute(text("DELETE FROM audit_chain_head"))
