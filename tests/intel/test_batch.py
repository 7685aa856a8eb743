"""Batched ingest: one chunk in a fixed number of statements, same results as one by one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from biopark.intel.models import (
    STATUS_FAILED,
    IntelDocument,
    IntelDocumentBand,
    IntelFullKey,
    IntelMetric,
)
from biopark.intel.parallel import prepared_chunks
from biopark.intel.service.batch import (
    DUPLICATE,
    FAILED,
    NEW,
    known_hashes,
    prepare,
    store_batch,
)
from biopark.intel.service.ingest import ingest_bytes
from biopark.intel.service.reposts import (
    BAND_CAP,
    Known,
    _firsts,
    _firsts_lateral,
    one_of,
    pack_ids,
    unpack_ids,
)
from tests.builders import make_park
from tests.intel.builders import demo_bytes
from tests.intel.reposts import STORIES, original, reposts

STORY = (
    "{n}号测试药业完成{amount}亿元B轮融资\n"
    "本报讯 {n}号测试药业今日宣布完成{amount}亿元B轮融资，由某某资本领投。"
    "公司计划将资金用于第{n}条生产线建设，预计新增员工{staff}人，年产值{value}亿元。\n"
    "该公司负责人介绍，候选药物已进入临床前研究阶段，第{n}期工程将于明年完工。\n"
)


def _story(n: int) -> bytes:
    return STORY.format(n=n, amount=n % 9 + 1, staff=n * 7, value=n * 3).encode()


def _items(texts: list[bytes]) -> list:
    return [prepare(origin=f"doc-{i}", data=t) for i, t in enumerate(texts)]


def _groups(session: Session, ids: list[int | None]) -> list[int]:
    """Each document's cluster, as the position of the cluster's first document."""
    clusters = [session.get(IntelDocument, i).cluster_id for i in ids]  # type: ignore[union-attr]
    first = {c: n for n, c in reversed(list(enumerate(clusters)))}
    return [first[c] for c in clusters]


def test_batch_reports_new_duplicate_and_failed_in_input_order(session: Session) -> None:
    park = make_park(session)
    stored = ingest_bytes(session, park_id=park.id, origin="first", data=demo_bytes("05"))
    items = _items([_story(1), _story(1), demo_bytes("05"), b"\x00\x01\x02\xff" * 50, _story(2)])
    results = store_batch(session, park_id=park.id, items=items, by_name={})
    assert [r.status for r in results] == [NEW, DUPLICATE, DUPLICATE, FAILED, NEW]
    assert results[1].document_id == results[0].document_id
    assert results[2].document_id == stored.document_id
    assert results[3].error
    doc = session.get(IntelDocument, results[4].document_id)
    assert doc is not None and doc.cluster_id == doc.id
    metrics = session.scalars(select(IntelMetric).where(IntelMetric.document_id == doc.id))
    assert all(doc.text[m.start : m.end] == m.quote for m in metrics)


def test_batch_clusters_reposts_as_one_by_one_ingest_does(session: Session) -> None:
    park_a, park_b = make_park(session), make_park(session)
    texts = [original(s).encode() for s in STORIES[:3]]
    texts += [r.encode() for s in STORIES[:3] for r in reposts(s)]
    one_by_one = [
        ingest_bytes(session, park_id=park_a.id, origin=str(i), data=t).document_id
        for i, t in enumerate(texts)
    ]
    batch = store_batch(session, park_id=park_b.id, items=_items(texts), by_name={})

    assert _groups(session, one_by_one) == _groups(session, [r.document_id for r in batch])
    assert len(set(_groups(session, one_by_one))) == 3


def test_band_keys_are_capped_so_candidates_stay_bounded(session: Session) -> None:
    park = make_park(session)
    # The same story with a different trailing byline: other bytes, same shingles.
    texts = [_story(7) + f"\n（记者 {n}）".encode() for n in range(BAND_CAP + 6)]
    results = store_batch(session, park_id=park.id, items=_items(texts[:5]), by_name={})
    results += store_batch(session, park_id=park.id, items=_items(texts[5:]), by_name={})
    assert {r.status for r in results} == {NEW}
    clusters = {session.get(IntelDocument, r.document_id).cluster_id for r in results}  # type: ignore[union-attr]
    assert len(clusters) == 1
    per_key = session.execute(
        select(IntelDocumentBand.key, func.count()).group_by(IntelDocumentBand.key)
    ).all()
    assert per_key and max(n for _, n in per_key) == BAND_CAP


def test_a_bulk_run_reads_full_keys_once_and_clusters_as_one_by_one(session: Session) -> None:
    park_a, park_b = make_park(session), make_park(session)
    # Enough copies of one story to fill its keys, then the reposts of three other stories.
    # Park A fills the keys first: park B's copies must still find one another.
    texts = [_story(7) + f"\n（记者 {n}）".encode() for n in range(BAND_CAP + 4)]
    texts += [original(s).encode() for s in STORIES[:3]]
    texts += [r.encode() for s in STORIES[:3] for r in reposts(s)]
    one_by_one = [
        ingest_bytes(session, park_id=park_a.id, origin=str(i), data=t).document_id
        for i, t in enumerate(texts)
    ]
    known = Known()
    chunked = []
    for start in range(0, len(texts), 5):
        items = _items(texts[start : start + 5])
        chunked += store_batch(session, park_id=park_b.id, items=items, by_name={}, known=known)
    # The story's keys filled up: their documents are held, not read again for each chunk.
    assert len(known.keys) >= 16 and all(len(v) >= BAND_CAP for v in known.keys.values())
    assert known.sigs

    assert _groups(session, one_by_one) == _groups(session, [r.document_id for r in chunked])
    assert len(set(_groups(session, one_by_one))) == 4


def _copies(first: int, count: int) -> list[bytes]:
    """One story with different trailing bylines: other bytes, the same shingles."""
    return [_story(7) + f"\n（记者 {n}）".encode() for n in range(first, first + count)]


def _full_rows(session: Session, park_id: int) -> dict[int, list[int]]:
    rows = session.execute(
        select(IntelFullKey.key, IntelFullKey.members).where(IntelFullKey.park_id == park_id)
    )
    return {key: unpack_ids(members) for key, members in rows}


def test_a_key_that_fills_keeps_its_documents_in_one_row_read_instead_of_the_index(
    session: Session,
) -> None:
    park, other = make_park(session), make_park(session)
    first = store_batch(session, park_id=park.id, items=_items(_copies(0, BAND_CAP)), by_name={})
    ids = [r.document_id for r in first]
    full = _full_rows(session, park.id)
    # Every key of the story filled with the same twelve documents, in storing order.
    assert full and all(members == ids for members in full.values())
    assert _full_rows(session, other.id) == {}

    # Later copies read the rows: the band index is not read at all.
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", seen)
    try:
        later = store_batch(session, park_id=park.id, items=_items(_copies(50, 2)), by_name={})
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    assert any("FROM intel_full_key" in st for st in statements)
    assert not any("FROM intel_document_band" in st for st in statements)
    clusters = {session.get(IntelDocument, r.document_id).cluster_id for r in later}  # type: ignore[union-attr]
    assert clusters == {ids[0]}
    assert _full_rows(session, park.id) == full


def test_keys_found_full_in_the_index_get_their_row_and_a_recorded_row_is_kept(
    session: Session,
) -> None:
    park = make_park(session)
    first = store_batch(session, park_id=park.id, items=_items(_copies(0, BAND_CAP)), by_name={})
    full = _full_rows(session, park.id)
    # As stored before full-key rows existed: the index entries only, but for one key
    # whose row another writer recorded with other members.
    session.execute(IntelFullKey.__table__.delete())
    some_key = min(full)
    session.add(
        IntelFullKey(
            park_id=park.id, key=some_key, members=pack_ids([first[0].document_id] * BAND_CAP)
        )
    )
    session.flush()
    later = store_batch(session, park_id=park.id, items=_items(_copies(50, 1)), by_name={})
    assert session.get(IntelDocument, later[0].document_id).cluster_id == first[0].document_id  # type: ignore[union-attr]
    rows = _full_rows(session, park.id)
    assert rows[some_key] == [first[0].document_id] * BAND_CAP
    assert {k: v for k, v in rows.items() if k != some_key} == {
        k: v for k, v in full.items() if k != some_key
    }


def test_a_known_match_that_was_rejected_meanwhile_is_not_joined(session: Session) -> None:
    park = make_park(session)
    known = Known()
    (first,) = store_batch(
        session, park_id=park.id, items=_items([_story(3)]), by_name={}, known=known
    )
    texts = [_story(3) + f"\n（记者 {n}）".encode() for n in range(2)]
    (second,) = store_batch(
        session, park_id=park.id, items=_items(texts[:1]), by_name={}, known=known
    )
    assert session.get(IntelDocument, second.document_id).cluster_id == first.document_id  # type: ignore[union-attr]
    for doc_id in (first.document_id, second.document_id):
        session.get(IntelDocument, doc_id).status = STATUS_FAILED  # type: ignore[union-attr]
    session.flush()
    (third,) = store_batch(
        session, park_id=park.id, items=_items(texts[1:]), by_name={}, known=known
    )
    assert session.get(IntelDocument, third.document_id).cluster_id == third.document_id  # type: ignore[union-attr]


def test_statements_per_chunk_do_not_grow_with_the_database(session: Session) -> None:
    park = make_park(session)
    counted: list[int] = []

    def count(*_: object) -> None:
        counted[-1] += 1

    bind = session.get_bind()
    event.listen(bind, "before_cursor_execute", count)
    try:
        for start in (0, 20, 40, 60):
            counted.append(0)
            items = _items([_story(n) for n in range(start, start + 20)])
            store_batch(session, park_id=park.id, items=items, by_name={})
    finally:
        event.remove(bind, "before_cursor_execute", count)
    # One chunk of 20: the same statements at 40 and at 60 stored (the first chunks also flush
    # their deal proposals and the audit entries left pending). The hash, key and simhash-band
    # lookups, facts, bands and clusters are one statement each; SQLite inserts documents and the hash-chained audit
    # entries, which return their id, one by one.
    assert counted[2] == counted[3] and counted[3] <= 3 * 20 + 15


def test_simhash_band_lookups_never_read_the_document_row(session: Session) -> None:
    # park and simhash come after the raw bytes and the text in the row; the band
    # index carries them, so a long page's overflow pages are never walked.
    make_park(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))
        query, params = _firsts_lateral(2), {"park": 1, "values": [5, 9]}
        plan = "\n".join(session.scalars(text(f"EXPLAIN {query.text}"), params))
        assert "Index Only Scan using ix_intel_document_band2" in plan
    else:
        query = _firsts(2, 2)
        rows = session.execute(
            text(f"EXPLAIN QUERY PLAN {query.text}"), {"park": 1, "v0": 5, "v1": 9}
        )
        plan = [r[-1] for r in rows]
        assert (
            plan.count(
                "SEARCH intel_document USING COVERING INDEX ix_intel_document_band2 (band2=?)"
            )
            == 2
        )


def test_id_lists_are_one_parameter_and_select_the_same_rows(session: Session) -> None:
    park = make_park(session)
    stored = store_batch(
        session, park_id=park.id, items=_items([_story(n) for n in range(3)]), by_name={}
    )
    ids = [r.document_id for r in stored]
    wanted = [ids[0], ids[2], 999_999]
    condition = one_of(session, IntelDocument.id, wanted)
    found = session.scalars(select(IntelDocument.id).where(condition).order_by(IntelDocument.id))
    assert list(found) == [ids[0], ids[2]]
    compiled = condition.compile(dialect=session.get_bind().dialect)
    # One array parameter: = ANY on PostgreSQL, a JSON array read by json_each on SQLite.
    assert len(compiled.params) == 1
    postgres = session.get_bind().dialect.name == "postgresql"
    assert ("= ANY" in str(compiled)) is postgres and ("json_each" in str(compiled)) is not postgres
    # Keys are signed 64-bit values: the extremes are found as stored.
    keys = [-(2**63), 2**63 - 1]
    session.add_all(IntelDocumentBand(document_id=ids[0], key=k) for k in keys)
    session.flush()
    band = select(IntelDocumentBand.key).where(one_of(session, IntelDocumentBand.key, keys))
    assert sorted(session.scalars(band)) == keys


def test_hash_lookup_is_chunked_below_parameter_limits(session: Session) -> None:
    park = make_park(session)
    stored = ingest_bytes(session, park_id=park.id, origin="a", data=demo_bytes("05"))
    digests = [f"{n:064x}" for n in range(70_000)] + [stored_hash(session, stored.document_id)]
    found = known_hashes(session, park_id=park.id, digests=digests)
    assert list(found.values()) == [stored.document_id]


def stored_hash(session: Session, doc_id: int | None) -> str:
    return (
        session.scalar(select(IntelDocument.content_hash).where(IntelDocument.id == doc_id)) or ""
    )


def test_process_pool_gives_the_same_chunks_in_input_order(tmp_path: Path) -> None:
    paths = []
    for n in range(9):
        path = tmp_path / f"{n}.txt"
        path.write_bytes(_story(n))
        paths.append(str(path))
    paths.append(str(tmp_path / "missing.txt"))

    def run(jobs: int) -> list[tuple[str, str | None, int, str | None]]:
        chunks = prepared_chunks(
            paths, chunk=4, jobs=jobs, known_names=["某某资本"], known=lambda d: set()
        )
        return [
            (i.origin, i.digest, len(i.extraction.metrics) if i.extraction else -1, i.error)
            for chunk in chunks
            for i in chunk
        ]

    serial, pooled = run(1), run(2)
    assert serial == pooled
    assert [o for o, *_ in pooled] == paths
    assert pooled[-1][3] and "cannot read" in pooled[-1][3]
