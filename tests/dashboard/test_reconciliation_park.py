"""Reconciliation that speaks to the park: other parks go to the peer list; pipeline claims."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.dashboard import reconciliation
from biopark.dashboard.reconcile import Status
from biopark.demo.service import load_demo
from biopark.intel.service.ingest import ingest_bytes
from biopark.pipeline.stages import Stage
from tests.builders import make_enterprise, make_user, page_login, token_headers
from tests.dashboard.builders import add_article, make_world
from tests.dashboard.peer_articles import PEER_ARTICLES
from tests.pipeline.builders import make_drug

PIPELINE_NEWS = """测试生物城创新药进展
2025-03-02 来源：测试
截至2月底，测试生物城在研创新药达到6个，其中进入临床阶段的4个。
"""


def test_other_parks_stay_out_of_the_park_view(session: Session) -> None:
    park = load_demo(session, password="peer-pass-123").park
    before = [
        (r.figure.label, r.figure.value, r.status)
        for r in reconciliation.reconcile_park(session, park_id=park.id)
    ]
    peer_docs = set()
    for i, text in enumerate(PEER_ARTICLES):
        result = ingest_bytes(
            session, park_id=park.id, origin=f"test:peer-{i}", data=text.encode("utf-8")
        )
        assert result.document_id is not None
        peer_docs.add(result.document_id)
    rows = reconciliation.reconcile_park(session, park_id=park.id)
    assert [(r.figure.label, r.figure.value, r.status) for r in rows] == before
    assert not {d for r in rows for d in r.figure.document_ids} & peer_docs
    # Every other park's figure is in the peer list, with its source.
    peers = reconciliation.peer_figures(session, park_id=park.id)
    subjects = {p.subject for p in peers}
    for name in ("张江药谷", "光谷生物城", "泰州医药城", "成都天府国际生物城", "广州国际生物岛"):
        assert name in subjects, name
    assert not any("重庆国际生物城" in p.subject for p in peers)
    assert {p.document_id for p in peers} == peer_docs
    zj = next(p for p in peers if p.subject == "张江药谷" and p.unit == "CNY")
    assert zj.display == "310亿元" and zj.document_url == f"/intel/documents/{zj.document_id}"
    attention = reconciliation.needs_attention(session, park_id=park.id)
    assert all(
        not set(a.document_url.split("/")[-1:]) & {str(d) for d in peer_docs} for a in attention
    )


def test_names_and_aliases_decide_what_is_about_the_park(session: Session) -> None:
    w = make_world(session)
    w.park.aliases = "测试城\nTest Bio City"
    names = reconciliation.park_names(w.park)
    assert {"测试生物城", "Test Bio City"} <= names and "测试城" in names

    def fig(subject: str | None, quote: str) -> reconciliation.ReportedFigure:
        return reconciliation.ReportedFigure(
            1,
            "到位资金",
            Decimal(1),
            "CNY",
            None,
            "exact",
            False,
            subject,
            quote,
            "extracted",
            1,
            None,
            None,
            1,
        )

    assert reconciliation.about_park(fig("测试生物城", ""), names)
    assert reconciliation.about_park(fig("测试生物城管委会", ""), names)
    assert reconciliation.about_park(fig(None, "据悉，测试城今年到位资金1亿元。"), names)
    assert not reconciliation.about_park(fig("光谷生物城", "光谷生物城与测试生物城"), names)
    # A longer name that contains an alias is another park.
    assert not reconciliation.about_park(fig(None, "南岸测试城到位资金1亿元。"), names)


def test_pipeline_claims_against_the_pipeline_ledger(session: Session) -> None:
    w = make_world(session)
    for stage in (Stage.preclinical, Stage.preclinical, Stage.phase1, Stage.phase2, Stage.phase3):
        make_drug(session, w.park, stage=stage)
    make_drug(session, w.park, stage=Stage.ind_filed)
    make_drug(session, w.park, stage=Stage.phase1, scope="city")  # the city's, not the park's
    add_article(session, w.park)
    add_article(session, w.park, PIPELINE_NEWS)
    rows = {r.key: r for r in reconciliation.reconcile_park(session, park_id=w.park.id)}
    assert rows["drugs_in_research"].status == Status.match
    clinical = rows["drugs_clinical"]
    assert clinical.status == Status.mismatch and clinical.ledger_value == 3
    assert clinical.ledger_url == "/pipeline?stage=clinical&scope=park"
    shown = clinical.as_json()
    assert shown["reported_display"] == "4" and shown["ledger_display"] == "3"
    attention = reconciliation.needs_attention(session, park_id=w.park.id)
    sentences = [a.sentence for a in attention]
    assert any("临床阶段药物为4，台账为3" in s for s in sentences)
    money = next(a for a in attention if "到位资金" in a.sentence)
    assert money.reported == "9亿元" and money.ledger == "2.5亿元"
    assert money.ledger_url == "/investment?year=2025"
    en = reconciliation.needs_attention(session, park_id=w.park.id, lang="en")
    assert any("ledger shows 250 million yuan" in a.sentence for a in en)


def test_api_and_page(client: TestClient, session: Session) -> None:
    w = make_world(session)
    add_article(session, w.park)
    add_article(session, w.park, PEER_ARTICLES[0])
    h = token_headers(client, w.leader)
    rows = client.get("/api/dashboard/reconcile", headers=h).json()
    assert rows and all(r["subject"] != "张江药谷" for r in rows)
    assert any(r["ledger_url"] == "/investment?year=2025" for r in rows)
    every = client.get("/api/dashboard/reconcile?peers=true", headers=h).json()
    assert len(every) > len(rows)
    peers = client.get("/api/dashboard/peers", headers=h).json()
    assert {p["subject"] for p in peers} == {"张江药谷"}
    attention = client.get("/api/dashboard/attention", headers=h).json()
    assert [a["reported"] for a in attention] == ["9亿元"]
    ent = make_user(
        session, w.park, Role.enterprise, enterprise_id=make_enterprise(session, w.park).id
    )
    assert client.get("/api/dashboard/peers", headers=token_headers(client, ent)).status_code == 403
    page_login(client, w.leader)
    page = client.get("/dashboard/reconcile")
    assert page.status_code == 200
    assert 'id="attention"' in page.text and 'id="peers"' in page.text
    assert '<a href="/investment?year=2025">2.5亿元</a>' in page.text
    assert "报道 9亿元，台账 2.5亿元" in page.text
    # On the English page the reasons are English too.
    en = client.get("/dashboard/reconcile?lang=en").text
    assert "Reported 900 million yuan; ledger 250 million yuan" in en
    assert "，台账" not in en and "未知指标" not in en
