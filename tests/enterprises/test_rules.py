"""Enterprise rules: pools and tags, due follow-ups, change proposals, money as people write it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises import proposals, records
from biopark.enterprises.models import Enterprise
from biopark.enterprises.schemas import (
    EnterpriseUpdate,
    FollowUpCreate,
    PoolEntry,
    PoolLeave,
    ProposalCreate,
    ProposalReview,
)
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import today
from tests.builders import make_enterprise, make_park, make_user, token_headers


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session)
    com = make_user(session, park, Role.commissioner)
    ent_user = make_user(session, park, Role.enterprise)
    ent = session.get(Enterprise, ent_user.enterprise_id)
    assert ent is not None
    ent.commissioner_id = com.id
    return {
        "park": park,
        "com": com,
        "ent_user": ent_user,
        "ent": ent,
        "other_com": make_user(session, park, Role.commissioner),
        "leader": make_user(session, park, Role.leader),
    }


def test_entering_a_pool_sets_its_tag_and_leaving_removes_it(session, w) -> None:  # type: ignore[no-untyped-def]
    ent = w["ent"]
    row = records.enter_pool(
        session,
        user=w["com"],
        enterprise_id=ent.id,
        data=PoolEntry(pool="专精特新", entered_on=date(2025, 1, 2)),
    )
    assert ent.tags == ["专精特新"]
    records.enter_pool(
        session,
        user=w["com"],
        enterprise_id=ent.id,
        data=PoolEntry(pool="上市后备", entered_on=date(2025, 1, 2)),
    )
    assert ent.tags == ["专精特新"]  # 上市后备 implies no tag
    with pytest.raises(Conflict):
        records.enter_pool(
            session,
            user=w["com"],
            enterprise_id=ent.id,
            data=PoolEntry(pool="专精特新", entered_on=date(2025, 2, 1)),
        )
    records.leave_pool(
        session,
        user=w["com"],
        enterprise_id=ent.id,
        pool_id=row.id,
        data=PoolLeave(left_on=date(2025, 6, 1)),
    )
    assert ent.tags == []
    with pytest.raises(Conflict):
        records.leave_pool(
            session,
            user=w["com"],
            enterprise_id=ent.id,
            pool_id=row.id,
            data=PoolLeave(left_on=date(2025, 6, 2)),
        )


def test_pools_and_tags_through_the_api(client, session: Session, w) -> None:  # type: ignore[no-untyped-def]
    h = token_headers(client, w["com"])
    url = f"/api/enterprises/{w['ent'].id}/pools"
    r = client.post(url, json={"pool": "高新技术企业", "entered_on": "2025-01-02"}, headers=h)
    assert r.status_code == 201
    assert client.get(f"/api/enterprises/{w['ent'].id}", headers=h).json()["tags"] == [
        "高新技术企业"
    ]
    r = client.post(
        url + "?lang=zh", json={"pool": "外星库", "entered_on": "2025-01-02"}, headers=h
    )
    assert r.status_code == 422
    leave = client.post(f"{url}/999999/leave", json={"left_on": "2025-02-01"}, headers=h)
    assert leave.status_code == 404
    pool_id = client.get(url, headers=h).json()[0]["id"]
    r = client.post(f"{url}/{pool_id}/leave?lang=en", json={"left_on": "2024-01-01"}, headers=h)
    assert (
        r.status_code == 422 and r.json()["error"]["message"] == "Leaving date precedes entry date"
    )
    assert (
        client.post(f"{url}/{pool_id}/leave", json={"left_on": "2025-03-01"}, headers=h).status_code
        == 200
    )
    assert client.get(f"/api/enterprises/{w['ent'].id}", headers=h).json()["tags"] == []


def test_due_follow_ups_for_commissioners_and_leaders(session, w) -> None:  # type: ignore[no-untyped-def]
    day = today()
    theirs = make_enterprise(session, w["park"], commissioner_id=w["other_com"].id)
    for ent, happened, due in (
        (w["ent"], day - timedelta(days=20), day - timedelta(days=3)),  # superseded below
        (w["ent"], day - timedelta(days=2), day + timedelta(days=2)),
        (theirs, day - timedelta(days=10), day - timedelta(days=1)),
    ):
        records.add_follow_up(
            session,
            user=w["leader"],
            enterprise_id=ent.id,
            data=FollowUpCreate(
                happened_on=happened, note="走访", next_step="提交申报", due_on=due
            ),
        )
    mine = records.due_follow_ups(session, user=w["com"], today=day)
    assert [(e.id, f.due_on) for e, f in mine] == [(w["ent"].id, day + timedelta(days=2))]
    park = records.due_follow_ups(session, user=w["leader"], today=day)
    assert [e.id for e, _ in park] == [theirs.id, w["ent"].id]  # overdue first
    assert records.due_follow_ups(session, user=w["com"], today=day, within_days=1) == []
    with pytest.raises(Forbidden):
        records.due_follow_ups(session, user=w["ent_user"], today=day)


def test_follow_ups_page_and_api(client, session: Session, w) -> None:  # type: ignore[no-untyped-def]
    from tests.builders import page_login

    day = today()
    records.add_follow_up(
        session,
        user=w["com"],
        enterprise_id=w["ent"].id,
        data=FollowUpCreate(
            happened_on=day - timedelta(days=5),
            note="走访",
            next_step="补交研发费用台账",
            due_on=day - timedelta(days=1),
        ),
    )
    rows = client.get(
        "/api/enterprises/follow-ups/due", headers=token_headers(client, w["com"])
    ).json()
    assert rows[0]["next_step"] == "补交研发费用台账" and rows[0]["overdue"] is True
    r = client.get("/api/enterprises/follow-ups/due", headers=token_headers(client, w["ent_user"]))
    assert r.status_code == 403
    page_login(client, w["com"])
    html = client.get("/enterprises/followups").text
    assert "补交研发费用台账" in html and "逾期" in html


def test_money_accepts_how_people_write_it() -> None:
    cases = {
        "3.6亿": "360000000.00",
        "5000万": "50000000.00",
        "1,200.5万元": "12005000.00",
        "1500": "1500.00",
    }
    for text, yuan in cases.items():
        assert EnterpriseUpdate(registered_capital=text).registered_capital == Decimal(yuan)
    with pytest.raises(ValidationError, match="无法识别的金额"):
        EnterpriseUpdate(rd_spending="很多钱")
    with pytest.raises(ValidationError, match="不能为负数"):
        EnterpriseUpdate(rd_spending=-5)


def test_money_through_the_api(client, session: Session, w) -> None:  # type: ignore[no-untyped-def]
    h = token_headers(client, w["com"])
    url = f"/api/enterprises/{w['ent'].id}"
    r = client.patch(url, json={"registered_capital": "3.6亿", "rd_spending": "5000万"}, headers=h)
    assert r.status_code == 200
    assert Decimal(r.json()["registered_capital"]) == Decimal("360000000")
    assert Decimal(r.json()["rd_spending"]) == Decimal("50000000")
    r = client.patch(url, json={"registered_capital": "三点六个亿左右"}, headers=h)
    assert r.status_code == 422
    assert Decimal(client.get(url, headers=h).json()["registered_capital"]) == Decimal("360000000")


def test_change_proposals_are_reviewed_by_the_commissioner_only(session, w) -> None:  # type: ignore[no-untyped-def]
    ent, user = w["ent"], w["ent_user"]
    other = make_enterprise(session, w["park"])
    with pytest.raises(NotFound):  # no proposal on another enterprise
        proposals.propose(
            session, user=user, enterprise_id=other.id, data=ProposalCreate(employees=10)
        )
    with pytest.raises(Forbidden):
        proposals.propose(
            session, user=w["com"], enterprise_id=ent.id, data=ProposalCreate(employees=10)
        )
    with pytest.raises(ValidationFailed):
        proposals.propose(session, user=user, enterprise_id=ent.id, data=ProposalCreate())
    row = proposals.propose(
        session,
        user=user,
        enterprise_id=ent.id,
        data=ProposalCreate(employees=320, rd_spending="1.2亿", note="年报数据"),
    )
    assert row.changes == {"employees": 320, "rd_spending": "120000000.00"}
    with pytest.raises(Conflict):  # one pending proposal at a time
        proposals.propose(
            session, user=user, enterprise_id=ent.id, data=ProposalCreate(employees=1)
        )
    for outsider in (w["other_com"], w["leader"], user):
        with pytest.raises((Forbidden, NotFound)):
            proposals.approve(session, user=outsider, proposal_id=row.id, data=ProposalReview())
    assert ent.employees is None
    with pytest.raises(ValidationFailed):
        proposals.reject(session, user=w["com"], proposal_id=row.id, data=ProposalReview())
    proposals.approve(session, user=w["com"], proposal_id=row.id, data=ProposalReview())
    assert ent.employees == 320 and ent.rd_spending == Decimal("120000000")
    assert row.status == "approved"
    with pytest.raises(Conflict):
        proposals.reject(
            session, user=w["com"], proposal_id=row.id, data=ProposalReview(reason="x")
        )


def test_change_proposals_through_the_api(client, session: Session, w) -> None:  # type: ignore[no-untyped-def]
    h_ent, h_com = token_headers(client, w["ent_user"]), token_headers(client, w["com"])
    h_other = token_headers(client, w["other_com"])
    url = f"/api/enterprises/{w['ent'].id}/proposals"
    r = client.post(url, json={"address": "重庆市巴南区生物城大道1号"}, headers=h_ent)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = client.post(f"/api/enterprises/proposals/{pid}/approve", json={}, headers=h_other)
    assert r.status_code == 404  # another commissioner's enterprise looks missing
    h_leader = token_headers(client, w["leader"])
    r = client.post(f"/api/enterprises/proposals/{pid}/approve?lang=zh", json={}, headers=h_leader)
    assert r.status_code == 403 and "服务专员" in r.json()["error"]["message"]
    r = client.post(f"/api/enterprises/proposals/{pid}/reject?lang=en", json={}, headers=h_com)
    assert (
        r.status_code == 422 and r.json()["error"]["message"] == "Give a reason for the rejection"
    )
    r = client.post(
        f"/api/enterprises/proposals/{pid}/reject",
        json={"reason": "地址与营业执照不符"},
        headers=h_com,
    )
    assert r.json()["status"] == "rejected"
    assert client.get(f"/api/enterprises/{w['ent'].id}", headers=h_com).json()["address"] is None
    r = client.post(f"/api/enterprises/proposals/{pid}/approve", json={}, headers=h_com)
    assert r.status_code == 409
    other = make_enterprise(session, w["park"])
    r = client.post(f"/api/enterprises/{other.id}/proposals", json={"employees": 5}, headers=h_ent)
    assert r.status_code == 404
    r = client.post(url, json={"registered_capital": "好多"}, headers=h_ent)
    assert r.status_code == 422
