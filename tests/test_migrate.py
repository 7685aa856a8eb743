"""Migrations that move data keep it, both ways (on the test run's database server)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from biopark import migrate
from tests.conftest import _create_database, _drop_database

NOW = "2026-11-30 12:00:00"


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    base = os.environ.get("BIOPARK_TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    url, name = _create_database(base)
    yield url
    _drop_database(base, name)


def test_signatures_move_to_their_own_table_and_back(fresh_url: str) -> None:
    migrate.upgrade(fresh_url, "0880")
    engine = create_engine(fresh_url)
    signature = bytes(range(256))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO park (id, code, name, created_at, updated_at, aliases)"
                " VALUES (7, 'm', '迁移园区', :now, :now, '')"
            ),
            {"now": NOW},
        )
        for doc_id, minhash in ((1, signature), (2, None)):
            conn.execute(
                text(
                    "INSERT INTO intel_document (id, park_id, origin, status, text, ingested_by,"
                    " created_at, updated_at, minhash, shingle_count)"
                    " VALUES (:id, 7, :origin, 'ok', '正文', 'system', :now, :now, :sig, :n)"
                ),
                {"id": doc_id, "origin": f"d{doc_id}.txt", "now": NOW, "sig": minhash, "n": 90},
            )
    migrate.upgrade(fresh_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT document_id, park_id, minhash, shingle_count FROM intel_document_signature"
            )
        ).all()
    # The document without a signature (text too short) gets no row.
    assert [(r[0], r[1], bytes(r[2]), r[3]) for r in rows] == [(1, 7, signature, 90)]

    command.downgrade(migrate.alembic_config(fresh_url), "0880")
    with engine.connect() as conn:
        back = conn.execute(
            text("SELECT id, minhash, shingle_count FROM intel_document ORDER BY id")
        ).all()
    engine.dispose()
    assert [(r[0], r[1] and bytes(r[1]), r[2]) for r in back] == [
        (1, signature, 90),
        (2, None, None),
    ]
