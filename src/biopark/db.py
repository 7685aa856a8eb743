"""Engine, session factory and transaction scopes."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from biopark.config import get_settings

WRITER_OPTION = "biopark_writer"
# Seconds between the checkpoints of a long write on SQLite (see `checkpointing`).
CHECKPOINT_SECONDS = 0.25
CHECKPOINT_THREAD = "sqlite-checkpoint"
_HOLDS_WRITE_LOCK = "biopark_holds_write_lock"
SQLITE_BUSY_SECONDS = 30


def _dumps(value: object) -> str:
    # Readable Chinese in JSON columns, so that LIKE filters on them work.
    return json.dumps(value, ensure_ascii=False)


def is_postgres(session: Session) -> bool:
    """Whether the session's database is PostgreSQL (else SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for the URL; SQLite gets foreign keys, WAL and a busy timeout; a server
    database keeps `pool_size` connections open (plus 10 for bursts, closed after use)."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS},
            json_serializer=_dumps,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            # pysqlite's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            # WAL's recommended durability: a crash loses at most the last commits.
            cur.execute("PRAGMA synchronous=NORMAL")
            # 32 MB of pages per connection (the default is 2 MB): ingest's index lookups and
            # inserts land on random pages of indexes much larger than that.
            cur.execute("PRAGMA cache_size=-32768")
            # Checkpoint at 40 MB of WAL (the default is 4 MB): each checkpoint syncs the
            # file twice, and an ingest chunk on a large database dirties hundreds of
            # pages, so the default checkpointed every few chunks (~9 % of ingest at 100k).
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.close()

        # SQLite's busy handler polls with growing sleeps and is not fair: under a steady
        # stream of writers one waiter can lose every round until its timeout runs out.
        # Writers of this process therefore queue on a lock first, so SQLite only ever
        # arbitrates between processes. The lock is released when the transaction ends
        # (commit and rollback may run on another thread than begin, hence no RLock), and
        # the wait is bounded so that a nested writer cannot hang: it then falls back to
        # SQLite's own busy timeout.
        writers = threading.Lock()

        def _release(conn: Any) -> None:
            if conn.info.pop(_HOLDS_WRITE_LOCK, False):
                writers.release()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # type: ignore[no-untyped-def]
            # A writer takes the write lock when its transaction starts, so concurrent
            # writers queue instead of failing with "database is locked" when a read
            # transaction tries to upgrade. Reads stay DEFERRED and, under WAL, never wait.
            immediate = conn.get_execution_options().get(WRITER_OPTION, False)
            if immediate and writers.acquire(timeout=SQLITE_BUSY_SECONDS):
                conn.info[_HOLDS_WRITE_LOCK] = True
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
            except BaseException:
                _release(conn)
                raise

        event.listen(engine, "commit", _release)
        event.listen(engine, "rollback", _release)

        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=pool_size, max_overflow=10, json_serializer=_dumps
    )


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine built from settings."""
    settings = get_settings()
    return make_engine(settings.resolved_database_url(), pool_size=settings.threads)


@lru_cache
def get_sessionmaker() -> sessionmaker[Session]:
    """The process-wide session factory (transactions take the SQLite write lock at once)."""
    from biopark.intel.autoindex import watch

    factory = sessionmaker(
        bind=get_engine().execution_options(**{WRITER_OPTION: True}), expire_on_commit=False
    )
    # Documents stored through any writer session are indexed as they commit.
    watch(factory)
    return factory


@lru_cache
def get_read_sessionmaker() -> sessionmaker[Session]:
    """Sessions for reading requests: no write lock taken up front."""
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


def forget() -> None:
    """Drop the cached settings, engine and session factories (after the settings changed)."""
    get_settings.cache_clear()
    for cached in (get_engine, get_sessionmaker, get_read_sessionmaker):
        cached.cache_clear()


@contextmanager
def session_scope(*, read_only: bool = False) -> Iterator[Session]:
    """One transaction for a CLI command or job: commit on success, roll back on error."""
    factory = get_read_sessionmaker() if read_only else get_sessionmaker()
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one transaction per request; GET and HEAD only read."""
    with session_scope(read_only=request.method in ("GET", "HEAD", "OPTIONS")) as session:
        yield session


@contextmanager
def checkpointing(engine: Engine, every: float = CHECKPOINT_SECONDS) -> Iterator[None]:
    """While a long write runs on SQLite, copy the WAL back into the database from a
    thread of its own (nothing on PostgreSQL).

    Otherwise SQLite checkpoints inside the commit that takes the WAL past
    wal_autocheckpoint, and the writer waits while thousands of scattered index pages
    are copied and synced: at 100,000 documents an ingest chunk's commit took 200–300
    ms once every ~300 documents. Here a connection of the thread's own runs a PASSIVE
    checkpoint every `every` seconds, which waits for no reader or writer, and the
    sqlite3 module lets go of the GIL while it runs, so the writer goes on storing.
    The WAL also stays short, and the writer's page lookups in it cheaper.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    stop = threading.Event()

    def run() -> None:
        conn = engine.raw_connection()
        try:
            cursor = conn.cursor()
            while not stop.wait(every):
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                cursor.fetchall()
        finally:
            conn.close()

    thread = threading.Thread(target=run, name=CHECKPOINT_THREAD, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
