"""The request state machine through the API: clear 4xx in Chinese and English, nothing written."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.services.models import RequestAttachment
from tests.builders import make_department, make_park, make_user, token_headers

PDF = b"%PDF-1.4\n%%EOF\n"


def _audits(session: Session) -> int:
    # Changes to records only: a refused step still leaves its permission_denied entry.
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action != "permission_denied")
        )
        or 0
    )


def test_account_less_department_reopen_and_close_with_reason(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    silent = make_department(session, park, short_name="市规划自然资源局")
    coop = make_department(session, park, short_name="市科技局")
    ent, com = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.commissioner),
    )
    h_ent, h_com = token_headers(client, ent), token_headers(client, com)
    rid = client.post(
        "/api/requests",
        json={"category": "用地", "title": "厂房扩建规划调整", "content": "需调整容积率"},
        headers=h_ent,
    ).json()["id"]
    base = f"/api/requests/{rid}"

    r = client.post(
        f"{base}/dispatch",
        json={"lead_department_id": silent.id, "department_ids": [silent.id]},
        headers=h_com,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "ValidationFailed"
    r = client.post(
        f"{base}/dispatch",
        json={"lead_department_id": silent.id, "department_ids": [coop.id]},
        headers=h_com,
    )
    assert r.status_code == 200 and r.json()["lead_department_id"] == silent.id

    before = _audits(session)
    r = client.post(f"{base}/rate", json={"satisfaction": 5}, headers=h_ent)
    assert r.status_code == 409 and "不能评价" in r.json()["error"]["message"]
    r = client.post(f"{base}/rate?lang=en", json={"satisfaction": 5}, headers=h_ent)
    assert r.json()["error"]["message"] == "Cannot rate a request that is dispatched"
    r = client.post(f"{base}/close?lang=zh", json={"resolution": "x"}, headers=h_com)
    assert r.status_code == 422 and "说明理由" in r.json()["error"]["message"]
    r = client.post(f"{base}/close?lang=en", json={"resolution": "x"}, headers=h_com)
    assert "state a reason" in r.json()["error"]["message"]
    r = client.post(
        f"{base}/record-reply", json={"department_id": silent.id, "reply": "x"}, headers=h_ent
    )
    assert r.status_code == 403
    assert _audits(session) == before
    assert client.get(base, headers=h_ent).json()["status"] == "dispatched"

    r = client.post(
        f"{base}/withdraw-dispatch",
        json={"department_id": coop.id, "reason": "无需协办"},
        headers=h_com,
    )
    assert r.status_code == 200
    r = client.post(
        f"{base}/record-reply",
        json={"department_id": silent.id, "reply": "电话答复：需论证三个月"},
        headers=h_com,
    )
    body = r.json()
    assert body["status"] == "replied"
    lead = next(d for d in body["dispatches"] if d["is_lead"])
    assert lead["offline"] is True
    assert (
        client.post(f"{base}/close", json={"resolution": "已告知"}, headers=h_com).status_code
        == 200
    )
    r = client.post(f"{base}/rate", json={"satisfaction": 1, "comment": "无时间表"}, headers=h_ent)
    assert r.json()["status"] == "reopened" and r.json()["reopened_at"]
    r = client.post(
        f"{base}/close",
        json={"resolution": "再次解释", "reason": "规划条件不可变更"},
        headers=h_com,
    )
    assert r.status_code == 200 and r.json()["close_reason"] == "规划条件不可变更"
    assert client.post(f"{base}/rate", json={"satisfaction": 3}, headers=h_ent).status_code == 200
    r = client.post(f"{base}/withdraw?lang=zh", json={}, headers=h_ent)
    assert r.status_code == 409 and "不能撤回" in r.json()["error"]["message"]


def test_enterprise_withdraws_and_department_cannot_reply_undispatched(
    client, session: Session
) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    dept = make_department(session, park)
    dep_user = make_user(session, park, Role.department, department_id=dept.id)
    ent = make_user(session, park, Role.enterprise)
    h_ent, h_dep = token_headers(client, ent), token_headers(client, dep_user)
    rid = client.post(
        "/api/requests",
        json={"category": "人才", "title": "人才公寓申请", "content": "咨询申请条件"},
        headers=h_ent,
    ).json()["id"]
    r = client.post(f"/api/requests/{rid}/reply", json={"reply": "x"}, headers=h_dep)
    assert r.status_code == 404
    r = client.post(f"/api/requests/{rid}/withdraw", json={"reason": "不需要了"}, headers=h_ent)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = client.post(f"/api/requests/{rid}/withdraw?lang=en", json={}, headers=h_ent)
    assert r.status_code == 409
    assert r.json()["error"]["message"] == "Cannot withdraw a request that is withdrawn"


def test_commissioner_lists_own_enterprises_or_the_park(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    from biopark.enterprises.models import Enterprise

    park = make_park(session)
    com = make_user(session, park, Role.commissioner)
    ent_a, ent_b = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.enterprise),
    )
    session.get(Enterprise, ent_a.enterprise_id).commissioner_id = com.id  # type: ignore[union-attr]
    h_com = token_headers(client, com)
    for u in (ent_a, ent_b):
        client.post(
            "/api/requests",
            json={"category": "其他", "title": "咨询事项", "content": "内容"},
            headers=token_headers(client, u),
        )
    mine = client.get("/api/requests", headers=h_com).json()
    park_wide = client.get("/api/requests?scope=park", headers=h_com).json()
    assert mine["total"] == 1 and mine["items"][0]["enterprise_id"] == ent_a.enterprise_id
    assert park_wide["total"] == 2
    assert client.get("/api/requests?scope=world", headers=h_com).status_code == 422


def test_thread_with_attachments(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    ent, com = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.commissioner),
    )
    stranger = make_user(session, park, Role.enterprise)
    h_ent, h_com = token_headers(client, ent), token_headers(client, com)
    rid = client.post(
        "/api/requests",
        json={"category": "融资贷款", "title": "贷款贴息", "content": "咨询"},
        headers=h_ent,
    ).json()["id"]
    url = f"/api/requests/{rid}/messages"
    bad = client.post(
        url,
        data={"body": "附件"},
        files=[("files", ("x.pdf", b"MZ\x00\x01", "application/pdf"))],
        headers=h_ent,
    )
    assert bad.status_code == 422 and "类型不支持" in bad.json()["error"]["message"]
    big = client.post(
        url,
        data={"body": "附件"},
        files=[("files", ("x.pdf", PDF + b"0" * (10 * 2**20), "a/b"))],
        headers=h_ent,
    )
    assert big.status_code == 413
    assert session.scalar(select(func.count()).select_from(RequestAttachment)) == 0
    r = client.post(
        url,
        data={"body": "营业执照见附件"},
        files=[("files", ("执照.pdf", PDF, "application/pdf"))],
        headers=h_ent,
    )
    assert r.status_code == 201, r.text
    att = r.json()["attachments"][0]
    assert att["filename"] == "执照.pdf" and att["size"] == len(PDF)
    r = client.post(url, data={"body": "已收到，正在办理"}, headers=h_com)
    assert r.json()["side"] == "commissioner"
    thread = client.get(url, headers=h_ent).json()
    assert [m["side"] for m in thread] == ["enterprise", "commissioner"]
    dl = client.get(f"/api/requests/{rid}/attachments/{att['id']}", headers=h_com)
    assert dl.status_code == 200 and dl.content == PDF
    assert dl.headers["content-type"] == "application/pdf"
    other = client.get(
        f"/api/requests/{rid}/attachments/{att['id']}", headers=token_headers(client, stranger)
    )
    assert other.status_code == 404


def test_detail_page_shows_offline_reply_and_thread(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from biopark.services import dispatching
    from biopark.services.schemas import DispatchBody, RecordReplyBody
    from tests.builders import page_login
    from tests.services.builders import make_request

    park = make_park(session)
    dept = make_department(session, park, short_name="市教委")
    ent, com = (
        make_user(session, park, Role.enterprise),
        make_user(session, park, Role.commissioner),
    )
    req = make_request(session, ent)
    dispatching.dispatch(
        session, user=com, request_id=req.id, data=DispatchBody(lead_department_id=dept.id)
    )
    client = TestClient(app)
    page_login(client, com)
    html = client.get(f"/requests/{req.id}").text
    assert "无账号" in html and "代录部门答复" in html and "撤回派发" in html
    dispatching.record_reply(
        session,
        user=com,
        request_id=req.id,
        data=RecordReplyBody(department_id=dept.id, reply="函复"),
    )
    html = client.get(f"/requests/{req.id}").text
    assert "线下答复，由" in html and com.display_name in html
