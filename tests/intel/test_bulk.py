"""Bulk ingest of files: chunks committed one by one, indexed a few hundred at a time."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from biopark.accounts.models import Role
from biopark.config import get_settings
from biopark.db import CHECKPOINT_THREAD, session_scope
from biopark.intel import bulk
from biopark.intel.index import SearchIndex
from biopark.intel.models import IntelDocument
from biopark.intel.service.batch import IngestResult
from biopark.intel.service.ingest import Linker
from biopark.intel.service.search import index_path, search
from biopark.parks.models import Park
from tests.builders import make_park, make_user
from tests.intel.reposts import STORIES, original, reposts
from tests.intel.test_cli_db import cli_env  # noqa: F401  (fixture)


def _files(folder: Path) -> list[str]:
    folder.mkdir()
    texts = [original(s) for s in STORIES] + [reposts(s)[0] for s in STORIES]
    for n, text in enumerate(texts[:7]):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    return sorted(str(p) for p in folder.iterdir())


def _ingest(folder: Path, **options: Any) -> tuple[int, list[IngestResult]]:
    """A new park, and the results of a bulk run of seven files into it in chunks of 2."""
    with session_scope() as session:
        park_id = make_park(session).id
        linker = Linker.for_park(session, park_id=park_id)
    paths = _files(folder)
    return park_id, bulk.ingest_paths(
        paths, park_id=park_id, linker=linker, jobs=1, chunk=2, **options
    )


def test_a_bulk_run_commits_the_index_once_per_batch_and_at_the_end(
    cli_env: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    commits: list[int] = []
    upsert = SearchIndex.upsert

    def counted(self: SearchIndex, docs):  # type: ignore[no-untyped-def]
        n = upsert(self, docs)
        commits.append(n)
        return n

    monkeypatch.setattr(SearchIndex, "upsert", counted)
    monkeypatch.setattr(bulk, "INDEX_BATCH", 3)
    park_id, results = _ingest(cli_env / "news")
    assert [r.status for r in results] == ["new"] * 7
    # Chunks of 2: indexed after 4 documents, then after 7 (the last chunk held one).
    assert commits == [4, 3]
    with session_scope() as session:
        assert (
            session.scalar(select(IntelDocument.id).where(IntelDocument.indexed_at.is_(None)))
            is None
        )
        user = make_user(session, session.get_one(Park, park_id), Role.analyst)
        index = SearchIndex.cached(index_path(get_settings().var_dir))
        assert index is not None
        found = search(session, user=user, query="融资", index=index)
        assert found.used_index and found.hits


def test_documents_committed_before_a_failure_are_still_indexed(
    cli_env: Path,  # noqa: F811
) -> None:
    seen: list[int] = []

    def stop_after_two(results: list) -> None:  # type: ignore[type-arg]
        seen.append(len(results))
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _ingest(cli_env / "news", on_chunk=stop_after_two)
    with session_scope() as session:
        states = session.execute(select(IntelDocument.indexed_at)).scalars().all()
    assert len(states) == 4 and all(states)


def test_a_run_keeps_what_the_process_held_before_it_out_of_full_collections(
    cli_env: Path,  # noqa: F811
) -> None:
    before = gc.get_freeze_count()
    during: list[int] = []
    _, results = _ingest(cli_env / "news", on_chunk=lambda _: during.append(gc.get_freeze_count()))
    assert [r.status for r in results] == ["new"] * 7
    assert during and all(n > before for n in during)
    # Afterwards the objects are collected as before; a failed run unfreezes them too.
    assert gc.get_freeze_count() == before

    def fail(_: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _ingest(cli_env / "again", on_chunk=fail)
    assert gc.get_freeze_count() == before


def _checkpointing() -> bool:
    return any(t.name == CHECKPOINT_THREAD for t in threading.enumerate())


def test_a_run_checkpoints_beside_its_chunks(cli_env: Path) -> None:  # noqa: F811
    during: list[bool] = []
    _, results = _ingest(cli_env / "news", on_chunk=lambda _: during.append(_checkpointing()))
    assert [r.status for r in results] == ["new"] * 7
    # cli_env is a SQLite file (tests/test_db.py: nothing runs beside PostgreSQL).
    assert during == [True] * 4
    assert not _checkpointing()
