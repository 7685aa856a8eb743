"""Serialising check-then-write sections across requests, processes and hosts.

A rate limit that counts rows and then inserts one lets concurrent requests all
pass the count. On PostgreSQL a transaction-scoped advisory lock on the key
makes them take turns; on SQLite every writing transaction already starts with
BEGIN IMMEDIATE (see db.py), which serialises them just the same. Nothing here
lives in process memory, so it holds with several workers.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session

from biopark.db import is_postgres


def lock_key(session: Session, *, key: str) -> None:
    """Hold a lock on key until the transaction ends (PostgreSQL; a no-op elsewhere)."""
    if not is_postgres(session):
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})
