"""One search interface, two backends: tantivy on SQLite, PostgreSQL's own full-text search."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.config import Settings
from biopark.intel.autoindex import watch
from biopark.intel.index import Filters, SearchIndex, query_terms
from biopark.intel.models import IntelDocument
from biopark.intel.service.backends import (
    PostgresBackend,
    TantivyBackend,
    is_postgres,
    open_backend,
)
from biopark.intel.service.search import index_path, reindex, search
from tests.builders import make_park, make_user
from tests.intel.builders import demo_bytes, make_document


def test_the_database_chooses_the_backend(session: Session, tmp_path: Path) -> None:
    found = open_backend(session, path=tmp_path / "index")
    if is_postgres(session):
        assert isinstance(found, PostgresBackend)
    else:
        # No tantivy folder yet: search falls back to LIKE until the first commit builds it.
        assert found is None
        reindex(session, path=tmp_path / "index")
        assert isinstance(open_backend(session, path=tmp_path / "index"), TantivyBackend)


def _watched(session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Index what the session commits, into tmp_path."""
    monkeypatch.setattr(
        "biopark.config.get_settings", lambda: Settings(var_dir=tmp_path, secret_key="k")
    )
    watch(session)


def test_documents_are_indexed_as_they_commit(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _watched(session, tmp_path, monkeypatch)
    park = make_park(session)
    user = make_user(session, park, Role.analyst)
    doc = make_document(session, park, demo_bytes("05"))
    assert doc.indexed_at is None
    session.commit()
    assert session.scalar(select(IntelDocument.indexed_at).where(IntelDocument.id == doc.id))
    backend = open_backend(session, path=index_path(tmp_path))
    assert backend is not None
    hits = backend.search(
        session, park_id=park.id, terms=query_terms("宸安"), filters=Filters(), limit=5
    )
    assert [d for d, _ in hits] == [doc.id]
    result = search(session, user=user, query="宸安", index=backend)
    assert result.used_index and [h.document.id for h in result.hits] == [doc.id]
    # Another park's user does not see it, whatever the backend holds.
    stranger = make_user(session, make_park(session), Role.analyst)
    assert search(session, user=stranger, query="宸安", index=backend).hits == []


def test_indexing_writes_each_document_row_once_and_its_object_knows(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _watched(session, tmp_path, monkeypatch)
    park = make_park(session)
    doc = make_document(session, park, demo_bytes("05"))
    updates: list[str] = []

    def seen(_conn, _cursor, statement, *_: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE INTEL_DOCUMENT "):
            updates.append(statement)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", seen)
    try:
        session.commit()
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    # One UPDATE: the tsvector with its time on PostgreSQL, the time alone with tantivy.
    assert len(updates) == 1 and "indexed_at" in updates[0]
    assert ("search_vector" in updates[0]) is is_postgres(session)
    stored = session.scalar(select(IntelDocument.indexed_at).where(IntelDocument.id == doc.id))
    assert stored is not None and doc.indexed_at == stored


def test_ranking_prefers_documents_where_the_terms_are_dense(
    session: Session, tmp_path: Path
) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.analyst)
    once = make_document(
        session, park, "标题：园区新闻\n\n今日园区举行活动，提到一次疫苗。".encode(), origin="a"
    )
    often = make_document(
        session,
        park,
        "标题：疫苗研发进展\n\n疫苗企业发布疫苗临床数据，疫苗产能扩大。".encode(),
        origin="b",
    )
    reindex(session, path=tmp_path / "index")
    backend = open_backend(session, path=tmp_path / "index")
    ids = [h.document.id for h in search(session, user=user, query="疫苗", index=backend).hits]
    assert ids == [often.id, once.id]
    assert (
        "<mark>疫苗</mark>"
        in search(session, user=user, query="疫苗", index=backend).hits[0].snippet
    )


def test_the_tantivy_index_is_opened_once_per_process_until_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "index"
    assert SearchIndex.cached(path) is None
    SearchIndex.recreate(path)
    first = SearchIndex.cached(path)
    assert first is not None and SearchIndex.cached(path) is first
    SearchIndex.recreate(path)
    again = SearchIndex.cached(path)
    assert again is not None and again is not first
