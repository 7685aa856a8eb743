"""Deliveries over real SMTP and HTTP servers started by the tests; retries; never twice."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.config import Settings
from biopark.kit.dates import now_utc
from biopark.notify import service
from biopark.notify.delivery import MAX_ATTEMPTS, claim, deliver_due
from biopark.notify.models import Delivery
from tests.builders import make_park, make_user
from tests.notify.servers import robot_server, smtp_server


def _user_with(session: Session, channel: str, **robot: str):  # type: ignore[no-untyped-def]
    park = make_park(session)
    user = make_user(session, park, Role.leader, display_name="王主任")
    service.set_preferences(
        session, user=user, email="wang@example.cn", modes={("*", channel): "immediate"}
    )
    if robot:
        admin = make_user(session, park, Role.admin)
        service.set_robot(session, user=admin, park_id=park.id, channel=channel, **robot)
    return user


def _delivery(session: Session, notice_id: int, channel: str) -> Delivery:
    row = session.scalar(
        select(Delivery).where(Delivery.notice_id == notice_id, Delivery.channel == channel)
    )
    assert row is not None
    session.refresh(row)
    return row


def test_email_goes_through_smtp_once(session: Session) -> None:
    user = _user_with(session, "email")
    now = now_utc()
    (notice,) = service.send(
        session,
        to=user,
        kind="sla_escalation",
        title="诉求超时",
        url="/requests/7",
        body="响应时限已过",
        dedupe_key="e1",
        now=now,
    )
    with smtp_server() as (port, inbox):
        settings = Settings(smtp_host="127.0.0.1", smtp_port=port, base_url="https://park.example")
        assert deliver_due(session, now=now, settings=settings)["sent"] == 1
        assert deliver_due(session, now=now + timedelta(hours=1), settings=settings)["sent"] == 0
    assert len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert msg["to"] == ["wang@example.cn"]
    assert "https://park.example/requests/7" in msg["data"]
    assert _delivery(session, notice.id, "email").status == "sent"


def test_smtp_down_is_retried_with_backoff_then_failed(session: Session) -> None:
    user = _user_with(session, "email")
    now = now_utc()
    (notice,) = service.send(
        session, to=user, kind="lead_new", title="t", url="/", dedupe_key="e2", now=now
    )
    settings = Settings(smtp_host="127.0.0.1", smtp_port=1)  # nothing listens on port 1
    assert deliver_due(session, now=now, settings=settings)["retry"] == 1
    row = _delivery(session, notice.id, "email")
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at == now + timedelta(minutes=2)
    # Not due yet: nothing is tried.
    assert deliver_due(session, now=now + timedelta(minutes=1), settings=settings)["retry"] == 0
    t = now
    for _ in range(MAX_ATTEMPTS):
        t += timedelta(hours=1)
        deliver_due(session, now=t, settings=settings)
    row = _delivery(session, notice.id, "email")
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS


def test_claimed_delivery_is_not_sent_by_another_worker(session: Session) -> None:
    user = _user_with(session, "email")
    now = now_utc()
    (notice,) = service.send(
        session, to=user, kind="lead_new", title="t", url="/", dedupe_key="e3", now=now
    )
    row = _delivery(session, notice.id, "email")
    assert claim(session, delivery_id=row.id, now=now) is True
    assert claim(session, delivery_id=row.id, now=now) is False
    with smtp_server() as (port, inbox):
        settings = Settings(smtp_host="127.0.0.1", smtp_port=port)
        deliver_due(session, now=now, settings=settings)
    assert inbox.messages == []


def test_wecom_markdown_body(session: Session) -> None:
    with robot_server({"errcode": 0, "errmsg": "ok"}) as (url, received):
        user = _user_with(session, "wecom", url=url + "?key=abc")
        now = now_utc()
        service.send(
            session, to=user, kind="lead_new", title="新线索", url="/l/1", dedupe_key="w", now=now
        )
        assert deliver_due(session, now=now, settings=Settings(base_url="http://p"))["sent"] == 1
    assert received[0]["path"] == "/hook?key=abc"
    body = received[0]["body"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("**新线索**\n@王主任")
    assert "(http://p/l/1)" in body["markdown"]["content"]


def test_dingtalk_signed_markdown(session: Session) -> None:
    secret = "SEC-test-secret"
    with robot_server({"errcode": 0}) as (url, received):
        user = _user_with(session, "dingtalk", url=url + "?access_token=t", secret=secret)
        now = now_utc()
        service.send(
            session, to=user, kind="lead_new", title="新线索", url="/l/2", dedupe_key="d", now=now
        )
        assert deliver_due(session, now=now)["sent"] == 1
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(received[0]["path"]).query)
    ts = query["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected and query["access_token"] == ["t"]
    body = received[0]["body"]
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == "新线索"
    assert "/l/2" in body["markdown"]["text"]


def test_feishu_signed_text_and_refusal_is_retried(session: Session) -> None:
    secret = "feishu-secret"
    with robot_server({"code": 19021, "msg": "sign match fail"}) as (url, received):
        user = _user_with(session, "feishu", url=url, secret=secret)
        now = now_utc()
        (notice,) = service.send(
            session, to=user, kind="lead_new", title="新线索", url="/l/3", dedupe_key="f", now=now
        )
        assert deliver_due(session, now=now)["retry"] == 1
    body = received[0]["body"]
    key = f"{body['timestamp']}\n{secret}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["msg_type"] == "text" and body["content"]["text"].startswith("新线索\n@王主任")
    row = _delivery(session, notice.id, "feishu")
    assert row.status == "pending" and "sign match fail" in (row.last_error or "")


def test_missing_robot_is_recorded(session: Session) -> None:
    user = _user_with(session, "dingtalk")
    now = now_utc()
    (notice,) = service.send(
        session, to=user, kind="lead_new", title="t", url="/", dedupe_key="m", now=now
    )
    deliver_due(session, now=now)
    assert "no dingtalk robot" in (_delivery(session, notice.id, "dingtalk").last_error or "")
