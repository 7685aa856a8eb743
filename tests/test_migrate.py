"""Migrations that move data keep it, both ways (on the test run's database server)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from biopark import migrate
from biopark.intel.service.reposts import unpack_ids

NOW = "2026-11-30 12:00:00"


def test_signatures_move_to_their_own_table_and_back(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url, "0880")
    engine = create_engine(empty_database_url)
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
    migrate.upgrade(empty_database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT document_id, park_id, minhash, shingle_count FROM intel_document_signature"
            )
        ).all()
    # The document without a signature (text too short) gets no row.
    assert [(r[0], r[1], bytes(r[2]), r[3]) for r in rows] == [(1, 7, signature, 90)]

    command.downgrade(migrate.alembic_config(empty_database_url), "0880")
    with engine.connect() as conn:
        back = conn.execute(
            text("SELECT id, minhash, shingle_count FROM intel_document ORDER BY id")
        ).all()
    engine.dispose()
    assert [(r[0], r[1] and bytes(r[1]), r[2]) for r in back] == [
        (1, signature, 90),
        (2, None, None),
    ]


def test_keys_already_full_are_recorded_per_park_at_upgrade(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url, "0900")
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        for park_id in (7, 8):
            conn.execute(
                text(
                    "INSERT INTO park (id, code, name, created_at, updated_at, aliases)"
                    " VALUES (:id, :code, '迁移园区', :now, :now, '')"
                ),
                {"id": park_id, "code": f"m{park_id}", "now": NOW},
            )
        # Key 5 holds 12 documents of park 7 and 3 of park 8; key 6 holds 11 of park 7.
        docs = [(n, 7) for n in range(1, 13)] + [(n, 8) for n in range(13, 16)]
        for doc_id, park_id in docs:
            conn.execute(
                text(
                    "INSERT INTO intel_document (id, park_id, origin, status, text, ingested_by,"
                    " created_at, updated_at) VALUES (:id, :park, :origin, 'ok', '正文', 'system',"
                    " :now, :now)"
                ),
                {"id": doc_id, "park": park_id, "origin": f"d{doc_id}.txt", "now": NOW},
            )
            conn.execute(
                text(
                    "INSERT INTO intel_document_signature (document_id, park_id, minhash,"
                    " shingle_count) VALUES (:id, :park, :sig, 90)"
                ),
                {"id": doc_id, "park": park_id, "sig": bytes(256)},
            )
            conn.execute(
                text("INSERT INTO intel_document_band (document_id, key) VALUES (:id, 5)"),
                {"id": doc_id},
            )
            if park_id == 7 and doc_id > 1:
                conn.execute(
                    text("INSERT INTO intel_document_band (document_id, key) VALUES (:id, 6)"),
                    {"id": doc_id},
                )
    migrate.upgrade(empty_database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT park_id, key, members FROM intel_full_key")).all()
    assert [(p, k, unpack_ids(bytes(m))) for p, k, m in rows] == [(7, 5, list(range(1, 13)))]

    command.downgrade(migrate.alembic_config(empty_database_url), "0900")
    with engine.connect() as conn:
        kept = conn.scalar(text("SELECT count(*) FROM intel_document_band"))
    engine.dispose()
    assert kept == 15 + 11
