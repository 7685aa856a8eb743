"""Briefs that synthesise: one point per fact across reposts and languages, a lead, a window,
ranked points, and an optional rewrite that is checked against the cited facts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.config import Settings
from biopark.intel import llm
from biopark.intel.brief import Point, to_markdown
from biopark.intel.index import Filters
from biopark.intel.service.briefs import build_brief
from biopark.intel.synth import Fact, group_facts, importance, point_text
from biopark.intel.types import Amount, DealTerms
from tests.builders import make_park, make_user
from tests.intel.builders import make_document

FIXTURES = Path(__file__).parent / "fixtures" / "briefs"


def _ingest(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session)
    docs = {
        p.stem: make_document(session, park, p.read_bytes(), origin=f"test:{p.name}")
        for p in sorted(FIXTURES.iterdir())
    }
    return park, docs


def _points(brief) -> list[tuple[str, list[int]]]:  # type: ignore[no-untyped-def]
    return [(p.sentence, p.citations) for s in brief.sections for p in s.points]


def test_reposts_and_translations_make_one_point_citing_the_english_source(
    session: Session,
) -> None:
    park, docs = _ingest(session)
    user = make_user(session, park, Role.analyst)
    brief = build_brief(session, user=user, topic="ADC", lang="zh")
    numbers = {s.document_id: s.number for s in brief.sources}
    points = _points(brief)
    texts = [t for t, _ in points]
    assert len(texts) == len(set(texts))
    deal = [(t, c) for t, c in points if "Northwind Pharma" in t and "首付款" in t]
    assert len(deal) == 1, texts
    text, cites = deal[0]
    assert "山岚生物" in text and "3,000万美元" in text
    # The Chinese original, its repost and the English report are all cited by the one point.
    for stem in ("zh_deal", "zh_deal_repost", "en_deal"):
        assert numbers[docs[stem].id] in cites, stem
    # An English-only fact is written in Chinese from its fields.
    financing = [t for t in texts if "5,000万美元" in t]
    assert financing and "融资" in financing[0]
    assert all("首付款" not in t or t == text for t in texts)
    # The window and the lead.
    assert brief.date_from == date(2025, 9, 12) and brief.date_to == date(2025, 9, 20)
    assert brief.lead.startswith("2025-09-12至2025-09-20") and "授权交易1起" in brief.lead
    md = to_markdown(brief)
    assert "时间范围：2025-09-12 至 2025-09-20" in md and brief.lead in md
    # Ranked: the licensing deal comes first.
    assert brief.sections[0].points[0].sentence == text
    assert brief.sections[0].points[0].citations[0] == 1


def test_english_brief_and_window_filter(session: Session) -> None:
    park, docs = _ingest(session)
    user = make_user(session, park, Role.analyst)
    brief = build_brief(session, user=user, topic="ADC", lang="en")
    texts = [t for t, _ in _points(brief)]
    assert any("licenses ADC rights to Northwind Pharma" in t and "30 million" in t for t in texts)
    assert brief.lead.startswith("From 2025-09-12 to 2025-09-20")
    assert to_markdown(brief).startswith("# Brief: ADC")
    narrow = build_brief(
        session,
        user=user,
        topic="ADC",
        lang="zh",
        filters=Filters(date_from=date(2025, 9, 18), date_to=date(2025, 9, 30)),
    )
    assert {s.document_id for s in narrow.sources} == {docs["en_financing"].id}
    assert narrow.date_from == date(2025, 9, 18)


def _fact(**kw: object) -> Fact:
    base: dict[str, object] = {
        "kind": "event",
        "type": "licensing_deal",
        "theme": "deals",
        "quote": "",
        "language": "zh",
        "when": date(2025, 9, 11),
        "document_ids": [1],
    }
    return Fact(**(base | kw))  # type: ignore[arg-type]


def test_fact_identity_and_rank() -> None:
    usd = Amount(Decimal("30000000"), "USD")
    zh = _fact(quote="甲", terms=DealTerms("山岚生物", "Northwind", upfront=usd))
    en = _fact(quote="b", language="en", document_ids=[2], amount=usd)
    other = _fact(quote="c", document_ids=[3], amount=Amount(Decimal("1"), "USD"))
    late = _fact(quote="d", document_ids=[4], amount=usd, when=date(2026, 3, 1))
    groups = group_facts([zh, en, other, late])
    assert sorted(len(g.facts) for g in groups) == [1, 1, 2]
    merged = next(g for g in groups if len(g.facts) == 2)
    assert merged.document_ids == [1, 2]
    assert point_text(merged, "zh").startswith("山岚生物 与 Northwind 达成授权，首付款3,000万美元")
    assert importance(merged) > importance(next(g for g in groups if g.facts == [other]))


class _Stub(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["model"] == "stub-model"
        assert self.headers["Authorization"] == "Bearer k-123"
        prompt = body["messages"][-1]["content"]
        if "首付款" in prompt:
            # Faithful: every number and name is in the point.
            reply = "山岚生物与Northwind Pharma就ADC达成授权，首付款3000万美元，总额最高9亿美元"
        elif "5,000万美元" in prompt:
            # Altered figure: 6000万 instead of 5000万.
            reply = "Yunshan Therapeutics 完成融资，金额6000万美元"
        else:
            reply = "Acme Bio 凭空出现的公司"
        payload = json.dumps({"choices": [{"message": {"content": reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub_llm() -> Iterator[str]:
    server = None
    for port in range(8102, 8110):
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), _Stub)
            break
        except OSError:
            continue
    assert server is not None, "no free port in 8102-8109"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_llm_rewrite_is_checked_against_the_facts(session: Session, stub_llm: str) -> None:
    park, _ = _ingest(session)
    user = make_user(session, park, Role.analyst)
    plain = build_brief(session, user=user, topic="ADC", lang="zh")
    settings = Settings(llm_url=stub_llm, llm_model="stub-model", llm_key="k-123")
    brief = build_brief(session, user=user, topic="ADC", lang="zh", settings=settings)
    before = {p.citations[0]: p.sentence for s in plain.sections for p in s.points}
    after = {p.citations[0]: p for s in brief.sections for p in s.points}
    deal = next(p for p in after.values() if "首付款" in p.sentence)
    assert deal.rewritten and deal.sentence.startswith("山岚生物与Northwind Pharma就ADC达成授权")
    money = next(p for p in after.values() if "融资" in p.sentence)
    assert not money.rewritten and "5,000万美元" in money.sentence
    for n, p in after.items():
        if not p.rewritten:
            assert p.sentence == before[n]


def test_guard_and_failures() -> None:
    allowed = "山岚生物 与 Northwind Pharma 达成授权，首付款3,000万美元\n首付款3000万美元"
    assert llm.faithful(
        "山岚生物与Northwind Pharma达成授权，首付款3000万美元", allowed=allowed, lang="zh"
    )
    assert not llm.faithful(
        "山岚生物与Northwind Pharma达成授权，首付款4000万美元", allowed=allowed, lang="zh"
    )
    assert not llm.faithful("山岚生物与Southwind Pharma达成授权", allowed=allowed, lang="zh")
    assert not llm.faithful("云杉生物与Northwind Pharma达成授权", allowed=allowed, lang="zh")
    assert not llm.faithful("首付款三千万美元", allowed=allowed, lang="zh")
    point = Point(sentence="原句", citations=[1], evidence=["原句"])
    # An endpoint that is down leaves the point as it was (short timeout).
    dead = Settings(llm_url="http://127.0.0.1:9", llm_timeout_seconds=0.5)
    assert llm.rewrite_points([point], lang="zh", settings=dead) == 0
    assert point.sentence == "原句" and not point.rewritten
    assert llm.rewrite_points([point], lang="zh", settings=Settings()) == 0


def test_brief_api_and_page(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.builders import page_login, token_headers

    park, _ = _ingest(session)
    user = make_user(session, park, Role.analyst)
    h = token_headers(client, user)
    data = client.get("/api/intel/brief?topic=ADC&lang=en&from=2025-09-01", headers=h).json()
    assert data["lang"] == "en" and data["lead"].startswith("From 2025-09-01")
    assert data["date_from"] == "2025-09-01" and data["date_to"] == "2025-09-20"
    assert data["sections"][0]["points"][0]["score"] > 0
    assert client.get("/api/intel/brief?topic=ADC&lang=fr", headers=h).status_code == 422
    page_login(client, user)
    page = client.get("/intel/brief?topic=ADC&to=2025-09-15&lang=zh")
    assert page.status_code == 200
    lead = page.text.split('<p class="lead">')[1].split("</p>")[0]
    assert "授权交易1起" in lead and "融资" not in lead
    md = client.get("/intel/brief?topic=ADC&format=md&lang=zh").text
    assert md.startswith("# 简报：ADC") and "时间范围：2025-09-12 至 2025-09-20" in md
