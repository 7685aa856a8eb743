"""Documents left unindexed are picked up by the scheduled job."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.config import Settings
from biopark.intel.autoindex import index_pending
from biopark.intel.index import SearchIndex
from biopark.intel.models import IntelDocument
from biopark.intel.service.backends import is_postgres
from biopark.intel.service.search import index_path
from biopark.jobs.service import JOBS
from tests.builders import make_park
from tests.intel.builders import demo_bytes, make_document


def _unindexed(session: Session, ids: list[int]) -> list[int]:
    rows = select(IntelDocument.id).where(
        IntelDocument.id.in_(ids), IntelDocument.indexed_at.is_(None)
    )
    return sorted(session.scalars(rows))


def test_unindexed_documents_are_indexed_by_the_job_and_a_held_index_waits(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "biopark.config.get_settings", lambda: Settings(var_dir=tmp_path, secret_key="k")
    )
    park = make_park(session)
    # Stored without the commit hook: as after a failed indexing.
    ids = [make_document(session, park, demo_bytes(n)).id for n in ("05", "06")]
    assert _unindexed(session, ids) == ids
    if not is_postgres(session):
        # A bulk run elsewhere holds the tantivy writer: nothing is indexed yet.
        held = SearchIndex(index_path(tmp_path)).writer()
        assert index_pending(session) == 0
        assert _unindexed(session, ids) == ids
        held.rollback()
        del held
    assert JOBS["index_pending"].run(session, now=None) == {"indexed": 2}
    assert _unindexed(session, ids) == []
    assert index_pending(session) == 0
