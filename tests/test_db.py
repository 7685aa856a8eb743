"""Engine helpers: the background checkpoints of a long SQLite write."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, create_engine

from biopark.db import CHECKPOINT_THREAD, checkpointing, make_engine


def _threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == CHECKPOINT_THREAD]


def _in_file(path: Path) -> int:
    """Rows of table t in the database file itself, the WAL left unread (-1 when the
    file was caught half copied: it is read without locks)."""
    try:
        with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as conn:
            return conn.execute("SELECT count(*) FROM t").fetchone()[0]
    except sqlite3.DatabaseError:
        return -1


def _write(engine: Engine, rows: range) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO t (n) VALUES " + ",".join(f"({n})" for n in rows))


def test_a_long_sqlite_write_is_checkpointed_while_it_runs(tmp_path: Path) -> None:
    path = tmp_path / "long.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _write(engine, range(100))
    time.sleep(0.3)
    assert _in_file(path) == 0  # below wal_autocheckpoint: still only in the WAL
    with checkpointing(engine, every=0.05):
        assert _threads() == [CHECKPOINT_THREAD]
        _write(engine, range(100, 200))
        deadline = time.monotonic() + 10
        while _in_file(path) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _in_file(path) == 200
    assert _threads() == []
    engine.dispose()


def test_nothing_runs_beside_a_postgresql_write() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connected
    with checkpointing(engine, every=0.01):
        assert _threads() == []
