"""Bulk INSERTs: plain ones on a model's table, and INSERT … ON CONFLICT DO NOTHING on
whichever database the session is bound to.

SQLite and PostgreSQL spell the latter the same way, but SQLAlchemy builds it from
each dialect's own `insert`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from biopark.db import is_postgres


def insert_new(session: Session, target: Any) -> PgInsert | SqliteInsert:
    """An INSERT into target that skips rows whose key is already stored."""
    if is_postgres(session):
        return pg_insert(target).on_conflict_do_nothing()
    return sqlite_insert(target).on_conflict_do_nothing()


def table_insert(model: Any) -> Insert:
    """A plain INSERT into a model's table, for many rows given as dicts.

    `session.execute(insert(Model), rows)` takes the ORM's bulk path, which handles
    each row in Python before the executemany (and splits the rows by which values
    are None): 6,000 entity and band rows took 59–124 ms that way and 40–57 ms as a
    plain insert, and an ingest chunk writes about 22 rows a document. Column
    defaults and types still apply; every row must have the same keys.
    """
    return insert(model.__table__)
