"""The hash-chained audit trail: appends, tamper detection, concurrent writers, the CLI."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from biopark import db, migrate
from biopark.accounts.models import Role
from biopark.audit import chain
from biopark.audit import service as audit
from biopark.audit.models import AuditEntry
from biopark.cli import app
from biopark.errors import Conflict
from tests.builders import csrf_of, make_park, make_user, page_login

runner = CliRunner()


@pytest.fixture(autouse=True)
def chain_starts_empty(request: pytest.FixtureRequest) -> None:
    if "session" in request.fixturenames:
        request.getfixturevalue("empty_chain")


def _append(session: Session, park_id: int | None, n: int) -> list[AuditEntry]:
    entries = [
        audit.record(
            session,
            actor=None,
            action="update",
            entity_type="coord_task",
            entity_id=i,
            park_id=park_id,
            changes={"progress": [i, i + 10], "note": "推进情况良好"},
        )
        for i in range(n)
    ]
    session.flush()
    return entries


def test_entries_are_chained_and_verify(session: Session) -> None:
    park = make_park(session)
    entries = _append(session, park.id, 3)
    seqs = [e.seq for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + 3))
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    report = chain.verify(session)
    assert report.ok, report
    assert report.last_hash == entries[-1].hash
    assert chain.state(session).last_hash == entries[-1].hash


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_entry SET actor_name = 'mallory' WHERE id = :id",
        "UPDATE audit_entry SET changes = '{\"progress\": [0, 99]}' WHERE id = :id",
        "UPDATE audit_entry SET entity_id = 4242 WHERE id = :id",
        "UPDATE audit_entry SET hash = prev_hash WHERE id = :id",
    ],
)
def test_a_row_changed_in_the_database_breaks_the_chain_there(session: Session, sql: str) -> None:
    park = make_park(session)
    entries = _append(session, park.id, 4)
    target = entries[1]
    session.execute(text(sql), {"id": target.id})
    report = chain.verify(session)
    assert not report.ok
    # A changed hash shows up at the entry itself or, at the latest, at the next one.
    assert report.broken_seq in (target.seq, target.seq + 1)
    assert f"#{report.broken_seq}" in report.message()


def test_a_row_removed_in_the_database_is_named(session: Session) -> None:
    park = make_park(session)
    entries = _append(session, park.id, 4)
    session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entries[1].id})
    report = chain.verify(session)
    assert not report.ok and report.broken_seq == entries[1].seq
    assert "missing" in (report.reason or "")


def test_removing_the_newest_entries_is_caught_by_the_head(session: Session) -> None:
    park = make_park(session)
    entries = _append(session, park.id, 3)
    session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entries[-1].id})
    report = chain.verify(session)
    assert not report.ok and report.broken_seq == entries[-1].seq
    assert "removed from the end" in (report.reason or "")


def test_the_orm_refuses_to_change_an_entry(session: Session) -> None:
    park = make_park(session)
    entry = _append(session, park.id, 1)[0]
    entry.actor_name = "mallory"
    with pytest.raises(Conflict):
        session.flush()
    session.rollback()


def test_the_orm_refuses_to_delete_an_entry(session: Session) -> None:
    park = make_park(session)
    entry = _append(session, park.id, 1)[0]
    session.delete(entry)
    with pytest.raises(Conflict):
        session.flush()
    session.rollback()


def test_chain_page_and_api_for_admins_only(session: Session, app, client) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    admin = make_user(session, park, Role.admin)
    ent = make_user(session, park, Role.enterprise)
    _append(session, park.id, 2)
    other = TestClient(app)
    page_login(other, ent)
    assert other.get("/audit/chain").status_code == 403
    assert other.get("/api/audit/chain").status_code == 403
    page_login(client, admin)
    page = client.get("/audit/chain")
    assert page.status_code == 200 and "尚未校验" in page.text
    done = client.post("/audit/chain/verify", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "链完整" in done.text
    english = client.get("/audit/chain?lang=en")
    assert english.status_code == 200 and "Chain intact" in english.text
    api = client.get("/api/audit/chain").json()
    assert api["last_check"]["ok"] is True and api["entries"] >= 2
    assert chain.state(session).last_check is not None
    english = client.get("/audit/chain", headers={"Accept-Language": "en"}, params={"lang": "en"})
    assert english.status_code == 200


@pytest.fixture
def fresh_url(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A database of its own, committed to for real (SQLite file or a new PG database)."""
    url = empty_database_url
    migrate.upgrade(url)
    monkeypatch.setenv("BIOPARK_DATABASE_URL", url)
    monkeypatch.setenv("BIOPARK_VAR_DIR", str(tmp_path / "var"))
    db.forget()
    yield url
    db.get_engine().dispose()
    db.forget()


def test_concurrent_writers_never_fork_the_chain_and_cli_verify(fresh_url: str) -> None:
    with db.session_scope() as s:
        park_id = make_park(s).id
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(8):
                with db.session_scope() as s:
                    _append(s, park_id, 2)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with db.session_scope(read_only=True) as s:
        seqs = list(s.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
        assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 64
        assert chain.verify(s).ok

    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output

    engine = db.get_engine()
    with engine.begin() as conn:
        victim = conn.execute(text("SELECT id, seq FROM audit_entry WHERE seq = 10")).one()
        cast = "CAST(:c AS JSON)" if conn.dialect.name == "postgresql" else ":c"
        conn.execute(
            text(f"UPDATE audit_entry SET changes = {cast} WHERE id = :id"),
            {"c": '{"progress": [1, 100]}', "id": victim.id},
        )
    bad = runner.invoke(app, ["audit", "verify"])
    assert bad.exit_code == 1
    assert "#10" in bad.output and f"id={victim.id}" in bad.output

    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= 10 AND seq <= 11"))
    gone = runner.invoke(app, ["audit", "verify", "--no-record"])
    assert gone.exit_code == 1 and "#10" in gone.output
