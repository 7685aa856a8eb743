"""With no period chosen, the dashboard and the workbench open on the latest period with data,
and a chosen period is carried into every drill-down."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.dashboard import service
from biopark.demo.service import load_demo
from biopark.errors import ValidationFailed
from biopark.investment import service as investment
from tests.builders import make_park
from tests.investment.builders import make_registered
from tests.kit.clock import freeze
from tests.pipeline.builders import make_member

PASSWORD = "demo-password-1"
# Far enough ahead that the demo ledger has nothing in "this year".
LATER = datetime(2031, 2, 9, 2, 0, tzinfo=UTC)


def test_default_period_falls_back_to_the_latest_month_with_data() -> None:
    today = date(2026, 3, 2)
    latest_last_year = date(2025, 11, 1)
    assert service.make_period(None, None, None, today=today, latest=latest_last_year) == (
        service.Period(2025, 1, 11)
    )
    # Data this year: this year up to this month, as before.
    assert service.make_period(None, None, None, today=today, latest=date(2026, 2, 1)) == (
        service.Period(2026, 1, 3)
    )
    # A chosen year is never moved.
    assert service.make_period(2024, None, None, today=today, latest=latest_last_year) == (
        service.Period(2024, 1, 12)
    )
    with pytest.raises(ValidationFailed):
        service.make_period(None, 12, None, today=today, latest=latest_last_year)


def test_latest_data_month_reads_the_ledger(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    freeze(monkeypatch, LATER)
    park = make_park(session)
    officer = make_member(session, park, Role.investment_officer)
    today = date(2031, 2, 9)
    assert investment.latest_data_month(session, park_id=park.id, today=today) is None
    assert investment.default_year(session, park_id=park.id, today=today) == 2031
    make_registered(session, officer, date(2029, 8, 20), "300000000")
    make_registered(session, officer, date(2032, 1, 5), "100000000")  # after today: ignored
    assert investment.latest_data_month(session, park_id=park.id, today=today) == date(2029, 8, 1)
    leader = make_member(session, park, Role.leader)
    period = service.period_for(session, user=leader, year=None, month_from=None, month_to=None)
    assert period == service.Period(2029, 1, 8)
    d = service.for_user(session, user=leader, period=period)
    assert d.investment.signed_projects == 1


def _login(session: Session, client: TestClient, role: str) -> dict[str, str]:
    park = load_demo(session, password=PASSWORD).park
    user = session.scalars(select(User).where(User.park_id == park.id, User.role == role)).one()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert csrf
    client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf.group(1)},
    )
    token = client.post("/api/auth/token", json={"username": user.username, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_first_visit_is_never_a_page_of_zeros(
    session: Session, client: TestClient, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    freeze(monkeypatch, LATER)
    headers = _login(session, client, "admin")
    body = client.get("/api/dashboard", headers=headers).json()
    period = body["period"]
    assert period["year"] < 2031
    assert body["investment"]["signed_projects"] > 0
    html = client.get("/dashboard").text
    query = f"year={period['year']}&amp;month_from={period['month_from']}&amp;month_to={period['month_to']}"
    drill = re.findall(r'href="(/investment/projects\?[^"]+)"', html)
    # Month rows narrow the period to their month; every other figure carries it whole.
    single = re.compile(rf"year={period['year']}&amp;month_from=(\d+)&amp;month_to=\1&")
    assert drill and all(query in link or single.search(link) for link in drill)
    assert any(query in link for link in drill)
    work = client.get("/investment").text
    kpi = re.search(r'id="kpi-projects"><a href="([^"]+)">(\d+)</a>', work)
    assert kpi and int(kpi.group(2)) > 0
    assert f"year={period['year']}" in kpi.group(1)


def test_chosen_period_is_carried_into_lists_and_refused_when_wrong(
    session: Session, client: TestClient
) -> None:
    headers = _login(session, client, "leader")
    html = client.get("/dashboard?year=2025&month_from=2&month_to=4").text
    assert "/investment/projects?year=2025&amp;month_from=2&amp;month_to=4&amp;signed=true" in html
    assert "/dashboard/report?month=2025-04" in html
    listing = client.get("/investment/projects?year=2025&month_from=2&month_to=4&signed=true").text
    for hidden in ('name="month_from" value="2"', 'name="month_to" value="4"', 'name="signed"'):
        assert hidden in listing
    bad = client.get("/api/dashboard?year=2025&month_from=5&month_to=2&lang=en", headers=headers)
    assert bad.status_code == 422 and "Invalid month range" in bad.json()["error"]["message"]
    bad = client.get("/api/dashboard?year=1999&lang=zh", headers=headers)
    assert bad.status_code == 422 and "年份" in bad.json()["error"]["message"]
    page = client.get("/dashboard?year=2025&month_from=7&month_to=3&lang=zh")
    assert page.status_code == 422 and "月份范围无效" in page.text
