from decimal import Decimal

from sqlalchemy import func, select

from biopark.accounts.models import Role
from biopark.intel.models import IntelDocument, IntelEntity, IntelEvent, IntelMetric
from biopark.intel.service.facts import companies_in_news, reported_figures
from biopark.intel.service.ingest import (
    DUPLICATE,
    FAILED,
    NEW,
    ingest_bytes,
    ingest_many,
    reextract,
)
from biopark.intel.service.review import review_fact
from tests.builders import make_enterprise, make_park, make_user
from tests.intel.builders import FIXTURES, demo_bytes, ingest_demo, make_document


def test_ingest_keeps_raw_bytes_hash_and_facts_with_offsets(session) -> None:
    park = make_park(session)
    doc = make_document(session, park)
    assert doc.raw == demo_bytes("04") and len(doc.content_hash or "") == 64
    assert doc.title and doc.title.startswith("重庆智睿生物医药有限公司ZR-2205")
    metrics = list(session.scalars(select(IntelMetric).where(IntelMetric.document_id == doc.id)))
    assert metrics
    for m in metrics:
        assert doc.text[m.start : m.end] == m.quote
    events = list(session.scalars(select(IntelEvent).where(IntelEvent.document_id == doc.id)))
    assert "clinical_approval" in {e.type for e in events}
    for e in events:
        if e.start >= 0:
            assert doc.text[e.start : e.end] == e.quote


def test_reingesting_identical_bytes_is_a_no_op(session) -> None:
    park = make_park(session)
    first = ingest_bytes(session, park_id=park.id, origin="a", data=demo_bytes("05"))
    again = ingest_bytes(session, park_id=park.id, origin="b", data=demo_bytes("05"))
    assert first.status == NEW and again.status == DUPLICATE
    assert again.document_id == first.document_id
    count = session.scalar(
        select(func.count()).select_from(IntelDocument).where(IntelDocument.park_id == park.id)
    )
    assert count == 1


def test_bad_documents_are_recorded_and_never_stop_the_batch(session, tmp_path) -> None:
    park = make_park(session)
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a_good.txt").write_bytes(demo_bytes("05"))
    (folder / "b_binary.txt").write_bytes((FIXTURES / "binary.bin").read_bytes())
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_good.html").write_bytes(demo_bytes("01"))
    results = ingest_many(
        session, park_id=park.id, targets=[str(folder), str(tmp_path / "missing.txt")]
    )
    assert [r.status for r in results] == [NEW, FAILED, FAILED, NEW, FAILED]
    assert "binary" in (results[1].error or "")
    assert "cannot read" in (results[4].error or "")
    failed = session.get(IntelDocument, results[1].document_id)
    assert failed is not None and failed.status == "failed" and failed.error


def test_entities_link_to_registered_enterprises_by_name_or_short_name(session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, name="重庆智睿生物医药有限公司", short_name="智睿生物")
    doc = make_document(session, park)
    linked = session.scalars(
        select(IntelEntity).where(
            IntelEntity.document_id == doc.id, IntelEntity.enterprise_id == ent.id
        )
    ).all()
    assert {e.name for e in linked} >= {"重庆智睿生物医药有限公司"}


def test_reposts_cluster_and_their_figures_count_once(session) -> None:
    park = make_park(session)
    docs = ingest_demo(session, park)
    original, repost_a, repost_b = docs["01"], docs["02"], docs["03"]
    assert original.cluster_id == original.id
    assert repost_a.cluster_id == original.id and repost_b.cluster_id == original.id
    assert docs["04"].cluster_id == docs["04"].id
    figures = reported_figures(session, park_id=park.id, label_contains="协议投资")
    signed = [f for f in figures if f.value == Decimal("4800000000")]
    assert len(signed) == 1
    assert sorted(signed[0].document_ids) == sorted([original.id, repost_a.id, repost_b.id])
    assert signed[0].quote in original.text


def test_companies_in_news_excludes_registered_enterprises(session) -> None:
    park = make_park(session)
    make_enterprise(session, park, name="重庆智睿生物医药有限公司", short_name="智睿生物")
    ingest_demo(session, park)
    names = {c.name: c for c in companies_in_news(session, park_id=park.id)}
    assert "澄江生物科技有限公司" in names
    assert len(names["澄江生物科技有限公司"].document_ids) == 3
    assert "重庆智睿生物医药有限公司" not in names and "智睿生物" not in names


def test_correction_survives_reextraction(session) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    doc = make_document(session, park)
    metric = session.scalars(select(IntelMetric).where(IntelMetric.document_id == doc.id)).first()
    event = session.scalars(select(IntelEvent).where(IntelEvent.document_id == doc.id)).first()
    assert metric is not None and event is not None
    review_fact(
        session,
        user=analyst,
        kind="metric",
        fact_id=metric.id,
        action="correct",
        values={"label": "在研管线数", "value": "12"},
    )
    review_fact(session, user=analyst, kind="event", fact_id=event.id, action="reject")
    reextract(session, document=doc)
    session.flush()
    metrics = session.scalars(select(IntelMetric).where(IntelMetric.document_id == doc.id)).all()
    fixed = [m for m in metrics if m.start == metric.start and m.end == metric.end]
    assert fixed and fixed[0].label == "在研管线数" and fixed[0].value == Decimal("12")
    assert fixed[0].review == "corrected"
    events = session.scalars(select(IntelEvent).where(IntelEvent.document_id == doc.id)).all()
    assert [e.review for e in events if e.start == event.start and e.type == event.type] == [
        "rejected"
    ]
    # A second correction of the corrected fact updates the same verdict.
    review_fact(
        session,
        user=analyst,
        kind="metric",
        fact_id=fixed[0].id,
        action="correct",
        values={"value": "13"},
    )
    reextract(session, document=doc)
    again = [
        m
        for m in session.scalars(select(IntelMetric).where(IntelMetric.document_id == doc.id))
        if m.start == metric.start
    ]
    assert again[0].label == "在研管线数" and again[0].value == Decimal("13")


def test_rejected_figures_are_not_reported(session) -> None:
    park = make_park(session)
    analyst = make_user(session, park, Role.analyst)
    doc = make_document(session, park, demo_bytes("06"))
    figures = reported_figures(session, park_id=park.id, label_contains="总投资")
    assert figures
    review_fact(session, user=analyst, kind="metric", fact_id=figures[0].metric_id, action="reject")
    assert reported_figures(session, park_id=park.id, label_contains="总投资") == []
    assert doc.id


def test_review_rules(session) -> None:
    import pytest

    from biopark.errors import Forbidden, NotFound, ValidationFailed

    park, other = make_park(session), make_park(session)
    doc = make_document(session, park)
    metric = session.scalars(select(IntelMetric).where(IntelMetric.document_id == doc.id)).first()
    assert metric is not None
    with pytest.raises(Forbidden):
        review_fact(
            session,
            user=make_user(session, park, Role.leader),
            kind="metric",
            fact_id=metric.id,
            action="confirm",
        )
    with pytest.raises(NotFound):
        review_fact(
            session,
            user=make_user(session, other, Role.analyst),
            kind="metric",
            fact_id=metric.id,
            action="confirm",
        )
    analyst = make_user(session, park, Role.analyst)
    with pytest.raises(ValidationFailed):
        review_fact(
            session,
            user=analyst,
            kind="metric",
            fact_id=metric.id,
            action="correct",
            values={"value": "abc"},
        )
    with pytest.raises(ValidationFailed):
        review_fact(
            session,
            user=analyst,
            kind="metric",
            fact_id=metric.id,
            action="correct",
            values={"unit": "kg"},
        )
    review_fact(session, user=analyst, kind="metric", fact_id=metric.id, action="confirm")
    assert metric.review == "confirmed"
