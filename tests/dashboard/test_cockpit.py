"""The cockpit: year-on-year and period-on-period figures, the attention panel, peer parks and
the panels other domains add."""

from __future__ import annotations

import sys
import types
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from biopark import registry
from biopark.accounts.models import Role
from biopark.dashboard import compare, panels, peers, service
from biopark.intel.models import IntelDocument, IntelMetric
from biopark.parks.models import Park
from biopark.tasks.models import CoordTask, TaskStatus
from biopark.web.templating import templates
from tests.builders import make_park, make_user
from tests.dashboard.builders import make_world
from tests.investment.builders import make_registered

YI = Decimal(100_000_000)


def test_change_handles_zero_and_missing_previous() -> None:
    up = compare.Change(Decimal(15), Decimal(12))
    assert up.delta == 3 and up.pct == Decimal("25.0") and up.direction == "up"
    down = compare.Change(Decimal(3), Decimal(4))
    assert down.pct == Decimal("-25.0") and down.direction == "down"
    assert compare.Change(Decimal(2), Decimal(2)).direction == "flat"
    from_zero = compare.Change(Decimal(5), Decimal(0))
    assert from_zero.pct is None and from_zero.delta == 5 and from_zero.direction == "up"
    missing = compare.Change(Decimal(5), None)
    assert missing.pct is None and missing.delta is None and missing.direction == ""
    assert compare.Change(None, Decimal(1)).direction == ""


def test_windows_shift_across_the_year() -> None:
    jan = compare.window(2025, 1, 1)
    assert compare.previous_period(jan).months == ((2024, 12),)
    assert compare.last_year(jan).months == ((2024, 1),)
    spring = compare.window(2025, 2, 4)
    assert compare.previous_period(spring).months == ((2024, 11), (2024, 12), (2025, 1))
    assert compare.previous_period(spring).label == "2024年11月—2025年1月"
    assert compare.last_year(spring).label == "2024年2—4月"


def test_comparisons_of_the_ledger(session: Session) -> None:
    w = make_world(session)
    officer = make_user(session, w.park, Role.investment_officer)
    # Last year: one project in Feb 2024 (4亿元); nothing in Jan 2025's previous month.
    make_registered(session, officer, date(2024, 2, 10), 4 * YI)
    d = service.build(session, park_id=w.park.id, period=service.Period(2025, 2, 2))
    signed = d.comparisons["signed_projects"]
    assert signed.yoy.current == 2 and signed.yoy.previous == 1
    assert signed.yoy.pct == Decimal("100.0")
    # Period before Feb 2025 is Jan 2025: one project, 5亿元.
    assert signed.mom.previous == 1 and signed.mom_label == "2025年1月"
    agreed = d.comparisons["agreed_investment"]
    assert agreed.yoy.current == 7 * YI and agreed.yoy.previous == 4 * YI
    assert agreed.yoy.pct == Decimal("75.0")
    assert agreed.mom.previous == 5 * YI and agreed.mom.pct == Decimal("40.0")
    funds = d.comparisons["funds_in_place"]
    assert funds.mom.current == 1 * YI and funds.mom.previous == Decimal("1.5") * YI
    assert funds.mom.direction == "down"
    # Jan 2025 against Dec 2024 (nothing): a rise from zero has no percentage.
    jan = service.build(session, park_id=w.park.id, period=service.Period(2025, 1, 1))
    assert jan.comparisons["signed_projects"].mom.previous == 0
    assert jan.comparisons["signed_projects"].mom.pct is None
    # No requests at all: the rate is missing on both sides, never a division by zero.
    rate = jan.comparisons["on_time_rate"]
    assert rate.yoy.current is None and rate.yoy.pct is None


def test_default_period_is_the_latest_with_data(session: Session) -> None:
    w = make_world(session)
    period = service.period_for(session, user=w.leader, year=None, month_from=None, month_to=None)
    # The world's ledger is in 2025, long before today: the default stays on 2025.
    assert period.year == 2025 and period.month_to == 3
    d = service.for_user(session, user=w.leader, period=period)
    assert d.investment.signed_projects == 4
    assert d.by_chain and sum(r["projects"] for r in d.by_chain) == 4


def test_attention_lists_overdue_tasks_and_mismatches(session: Session) -> None:
    from tests.builders import make_department
    from tests.dashboard.builders import add_article

    w = make_world(session)
    add_article(session, w.park)
    dept = make_department(session, w.park)
    session.add(
        CoordTask(
            park_id=w.park.id,
            category="项目推进",
            title="协调园区道路施工",
            lead_department_id=dept.id,
            deadline=service.today_local() - timedelta(days=3),
            status=TaskStatus.in_progress,
        )
    )
    session.flush()
    d = service.for_user(session, user=w.leader, period=service.Period(2025, 1, 2))
    a = d.attention
    assert a.tasks_total == 1 and a.tasks[0].text == "协调园区道路施工"
    assert a.tasks[0].url.startswith("/tasks/")
    assert any("到位资金" in item.text for item in a.discrepancies)


def _metric(session: Session, park: Park, *, subject: str | None, quote: str, value: str) -> None:
    doc = IntelDocument(
        park_id=park.id,
        origin="test:peer",
        title=f"报道：{quote[:8]}",
        text=quote,
        published_at=date(2025, 6, 1),
    )
    session.add(doc)
    session.flush()
    session.add(
        IntelMetric(
            park_id=park.id,
            document_id=doc.id,
            label="协议投资额",
            value=Decimal(value),
            unit="CNY",
            qualifier="exact",
            period="2025-01/2025-05",
            subject=subject,
            quote=quote,
            start=0,
            end=len(quote),
        )
    )
    session.flush()


def test_park_names_and_peer_figures(session: Session) -> None:
    park = make_park(session, name="重庆国际生物城")
    names = peers.known_names([park])
    assert peers.park_named("武汉光谷生物城今年签约", names) == "光谷生物城"
    assert peers.park_named("位于上海张江的企业", names) == "张江药谷"
    assert peers.park_named("重庆生物城举行签约仪式", names) == "重庆国际生物城"
    assert peers.park_named("某市新闻", names) is None
    _metric(session, park, subject="光谷生物城", quote="光谷生物城签约80亿元。", value="8e9")
    # Without a subject the sentence decides; a repost of the same figure is shown once.
    _metric(session, park, subject=None, quote="泰州医药城签约60亿元。", value="6e9")
    _metric(session, park, subject=None, quote="中国医药城签约60亿元。", value="6e9")
    _metric(session, park, subject="重庆国际生物城", quote="生物城签约102亿元。", value="1.02e10")
    found = {p.name: p for p in peers.peer_parks(session, park_id=park.id)}
    assert set(found) == {"光谷生物城", "泰州医药城"}
    assert len(found["泰州医药城"].figures) == 1
    fig = found["光谷生物城"].figures[0]
    assert fig.value == Decimal("8e9") and fig.url.startswith("/intel/documents/")


def test_domain_panel_hook(
    session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    w = make_world(session)
    seen = {}

    def dashboard_panel(session: Session, *, park_id: int, period: service.Period) -> dict:
        seen["args"] = (park_id, period)
        return {"occupancy": "87.5%"}

    fake = types.ModuleType("biopark.fakespaces.stats")
    fake.dashboard_panel = dashboard_panel  # type: ignore[attr-defined]
    package = types.ModuleType("biopark.fakespaces")
    package.__path__ = []  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "biopark.fakespaces", package)
    monkeypatch.setitem(sys.modules, "biopark.fakespaces.stats", fake)
    folder = tmp_path / "fakespaces"
    folder.mkdir()
    (folder / "dashboard_panel.html").write_text(
        '<h2 class="occ">出租率 {{ panel.occupancy }} · {{ period.label }}</h2>', encoding="utf-8"
    )
    loader = templates().env.loader
    monkeypatch.setattr(loader, "searchpath", [*loader.searchpath, str(tmp_path)])  # type: ignore[union-attr]
    # A domain with a stats module but no template, and one with neither, are skipped.
    half = types.ModuleType("biopark.halfdone.stats")
    half.dashboard_panel = dashboard_panel  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "biopark.halfdone.stats", half)
    monkeypatch.setattr(
        registry, "DOMAINS", [*registry.DOMAINS, "fakespaces", "halfdone", "nosuchdomain"]
    )
    period = service.Period(2025, 1, 2)
    found = panels.panels(session, park_id=w.park.id, period=period)
    assert [p.domain for p in found] == ["fakespaces"]
    assert seen["args"] == (w.park.id, period)
    d = service.for_user(session, user=w.leader, period=period)
    assert d.panels and d.panels[0].data == {"occupancy": "87.5%"}
    fragment = templates().env.get_template(d.panels[0].template)
    assert fragment.render(panel=d.panels[0].data, period=period) == (
        '<h2 class="occ">出租率 87.5% · 2025年1—2月</h2>'
    )


def test_cockpit_page_shows_peers_attention_and_comparisons(session: Session, client) -> None:  # type: ignore[no-untyped-def]
    from tests.builders import page_login

    w = make_world(session)
    _metric(session, w.park, subject="光谷生物城", quote="光谷生物城签约80亿元。", value="8e9")
    page_login(client, w.leader)
    html = client.get("/dashboard?year=2025&month_from=2&month_to=2").text
    peers_html = html[html.index('<section id="peers">') :]
    assert "光谷生物城" in peers_html and "80亿元" in peers_html
    assert 'href="/intel/documents/' in peers_html
    assert 'id="attention"' in html and 'id="compare"' in html
    # Every figure of the comparison table opens its records, with the period.
    assert (
        'href="/investment/projects?year=2025&amp;month_from=2&amp;month_to=2&amp;funded=true"'
        in html
    )
    assert "合计" in html
    en = client.get("/dashboard?year=2025&month_from=2&month_to=2&lang=en").text
    assert "Feb 2025" in en and "Peer parks" in en


def test_cockpit_heading_uses_the_park_name_of_the_page_language(session: Session, client) -> None:  # type: ignore[no-untyped-def]
    from tests.builders import page_login

    w = make_world(session)
    page_login(client, w.leader)
    zh = client.get("/dashboard?year=2025&month_from=2&month_to=2").text
    assert "<h1>测试生物城 · 驾驶舱</h1>" in zh
    # Without an English name the English page keeps the Chinese one.
    en = client.get("/dashboard?year=2025&month_from=2&month_to=2&lang=en").text
    assert "<h1>测试生物城 · " in en
    w.park.name_en = "Test Bio City"
    session.flush()
    en = client.get("/dashboard?year=2025&month_from=2&month_to=2&lang=en").text
    heading = en[en.index("<h1>") : en.index("</h1>")]
    assert "Test Bio City" in heading and "测试生物城" not in heading
    assert '<div class="peer own"><h3>Test Bio City</h3>' in en


def test_funds_drill_down_lists_projects_funded_in_the_period(session: Session) -> None:
    from biopark.investment.projects import ProjectFilter, project_query

    w = make_world(session)
    admin = make_user(session, w.park, Role.admin)

    def names(**flt: object) -> set[str]:
        stmt = project_query(admin, ProjectFilter(year=2025, **flt))  # type: ignore[arg-type]
        return {p.name for p in session.scalars(stmt)}

    funded_feb = names(month_from=2, month_to=2, funded=True)
    registered_jan = names(month_from=1, month_to=1, signed=True)
    # The only funds of February went to the project registered in January.
    assert funded_feb == registered_jan and len(funded_feb) == 1
    assert names(month_from=3, month_to=3, funded=True) == set()
