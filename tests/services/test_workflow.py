"""The request state machine: every wrong step is refused and writes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import SHANGHAI
from biopark.kit.workcal import add_working_days, add_working_minutes
from biopark.services import dispatching, service, thread, workflow
from biopark.services.models import RequestMessage, RequestStatus
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    MessageBody,
    RateBody,
    RecordReplyBody,
    ReplyBody,
    WithdrawBody,
    WithdrawDispatchBody,
)
from biopark.services.sla import escalate_overdue
from tests.builders import make_department, make_park, make_user
from tests.services.builders import make_request


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


@pytest.fixture
def w(session: Session):  # type: ignore[no-untyped-def]
    class W:
        pass

    w = W()
    w.park = make_park(session)  # type: ignore[attr-defined]
    w.a = make_department(session, w.park, short_name="市药监局")  # type: ignore[attr-defined]
    w.b = make_department(session, w.park, short_name="市科技局")  # type: ignore[attr-defined]
    # No user account anywhere: its replies can only be recorded on its behalf.
    w.silent = make_department(session, w.park, short_name="市规划自然资源局")  # type: ignore[attr-defined]
    w.ent = make_user(session, w.park, Role.enterprise)  # type: ignore[attr-defined]
    w.com = make_user(session, w.park, Role.commissioner)  # type: ignore[attr-defined]
    w.a_user = make_user(session, w.park, Role.department, department_id=w.a.id)  # type: ignore[attr-defined]
    w.b_user = make_user(session, w.park, Role.department, department_id=w.b.id)  # type: ignore[attr-defined]
    return w


def _audits(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _dispatch(session: Session, w, req, **body) -> None:  # type: ignore[no-untyped-def]
    dispatching.dispatch(session, user=w.com, request_id=req.id, data=DispatchBody(**body))


def test_the_table_names_each_roles_steps() -> None:
    assert workflow.steps_for(Role.enterprise, RequestStatus.closed) == {"rate", "message"}
    assert "withdraw" in workflow.steps_for(Role.enterprise, RequestStatus.dispatched)
    assert workflow.steps_for(Role.enterprise, RequestStatus.withdrawn) == set()
    assert "reply" in workflow.steps_for(Role.department, RequestStatus.dispatched)
    assert "close" not in workflow.steps_for(Role.commissioner, RequestStatus.new)


def test_account_less_department_gets_an_offline_reply_recorded(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent)
    _dispatch(session, w, req, lead_department_id=w.silent.id)
    assert req.lead_department_id == w.silent.id
    assert w.silent.id not in service.departments_with_accounts(session, park_id=w.park.id)
    dispatching.record_reply(
        session,
        user=w.com,
        request_id=req.id,
        data=RecordReplyBody(department_id=w.silent.id, reply="电话答复：按程序论证"),
    )
    d = req.dispatches[0]
    assert d.offline and d.replied_by_id == w.com.id and req.status == RequestStatus.replied
    entry = service.history(session, req=req)[0]
    assert entry.action == "record_reply" and entry.changes["recorded_by"] == w.com.display_name
    service.close(session, user=w.com, request_id=req.id, data=CloseBody(resolution="已告知企业"))
    assert req.status == RequestStatus.closed


def test_lead_and_cooperating_departments(session, w) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="主办部门不能同时是协办部门"):
        DispatchBody(lead_department_id=w.a.id, department_ids=[w.a.id])
    req = make_request(session, w.ent)
    _dispatch(session, w, req, lead_department_id=w.a.id, department_ids=[w.b.id])
    leads = {d.department_id: d.is_lead for d in req.dispatches}
    assert leads == {w.a.id: True, w.b.id: False}
    entry = service.history(session, req=req)[0]
    assert entry.changes["lead"] == "市药监局" and entry.changes["cooperating"] == ["市科技局"]
    # Naming the same pending departments again changes nothing and is refused.
    before = _audits(session)
    with pytest.raises(Conflict):
        _dispatch(session, w, req, department_ids=[w.b.id])
    assert _audits(session) == before


def test_redispatch_replaces_unanswered_departments_and_keeps_history(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent)
    _dispatch(session, w, req, lead_department_id=w.a.id, department_ids=[w.b.id])
    dispatching.reply(session, user=w.b_user, request_id=req.id, data=ReplyBody(reply="已答复"))
    _dispatch(session, w, req, lead_department_id=w.silent.id, replace=True)
    by_dept = {d.department_id: d for d in req.dispatches}
    assert by_dept[w.a.id].withdrawn_at is not None  # unanswered, not named again
    assert by_dept[w.b.id].withdrawn_at is None and by_dept[w.b.id].reply == "已答复"
    assert req.lead_department_id == w.silent.id
    assert [e.action for e in service.history(session, req=req)][:3] == [
        "dispatch",
        "reply",
        "dispatch",
    ]
    # The withdrawn department no longer sees the request, so it cannot reply.
    with pytest.raises(NotFound):
        dispatching.reply(session, user=w.a_user, request_id=req.id, data=ReplyBody(reply="x"))


def test_withdrawing_a_dispatch_only_before_the_reply(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent)
    _dispatch(session, w, req, lead_department_id=w.a.id, department_ids=[w.b.id])
    dispatching.reply(session, user=w.a_user, request_id=req.id, data=ReplyBody(reply="可以办"))
    before = _audits(session)
    with pytest.raises(Conflict, match="已答复"):
        dispatching.withdraw_dispatch(
            session,
            user=w.com,
            request_id=req.id,
            data=WithdrawDispatchBody(department_id=w.a.id, reason="x"),
        )
    assert _audits(session) == before
    dispatching.withdraw_dispatch(
        session,
        user=w.com,
        request_id=req.id,
        data=WithdrawDispatchBody(department_id=w.b.id, reason="派错部门"),
    )
    # The only remaining department has replied: the request is answered.
    assert req.status == RequestStatus.replied
    with pytest.raises(Conflict):  # nothing pending any more
        dispatching.withdraw_dispatch(
            session,
            user=w.com,
            request_id=req.id,
            data=WithdrawDispatchBody(department_id=w.a.id, reason="x"),
        )


def test_withdrawing_the_lead_passes_the_lead_on(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent)
    _dispatch(session, w, req, lead_department_id=w.a.id, department_ids=[w.b.id])
    dispatching.withdraw_dispatch(
        session,
        user=w.com,
        request_id=req.id,
        data=WithdrawDispatchBody(department_id=w.a.id, reason="改由科技局牵头"),
    )
    assert req.lead_department_id == w.b.id and req.status == RequestStatus.dispatched


def test_wrong_steps_are_refused_and_write_nothing(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent)
    before = _audits(session)
    with pytest.raises(Conflict, match="不能评价"):
        service.rate(session, user=w.ent, request_id=req.id, data=RateBody(satisfaction=5))
    with pytest.raises(Forbidden):
        service.withdraw(session, user=w.com, request_id=req.id, data=WithdrawBody())
    with pytest.raises(Conflict, match="不能办结"):
        service.close(session, user=w.com, request_id=req.id, data=CloseBody(resolution="x"))
    with pytest.raises(NotFound):  # a department the request never went to
        dispatching.reply(session, user=w.b_user, request_id=req.id, data=ReplyBody(reply="x"))
    _dispatch(session, w, req, department_ids=[w.a.id])
    before = _audits(session)
    with pytest.raises(ValidationFailed, match="说明理由"):
        service.close(session, user=w.com, request_id=req.id, data=CloseBody(resolution="x"))
    assert req.status == RequestStatus.dispatched and req.closed_at is None
    dispatching.reply(session, user=w.a_user, request_id=req.id, data=ReplyBody(reply="好"))
    with pytest.raises(Conflict, match="不能答复"):
        dispatching.reply(session, user=w.a_user, request_id=req.id, data=ReplyBody(reply="再"))
    service.close(session, user=w.com, request_id=req.id, data=CloseBody(resolution="办结"))
    with pytest.raises(Conflict, match="不能撤回"):
        service.withdraw(session, user=w.ent, request_id=req.id, data=WithdrawBody())
    assert _audits(session) == before + 2


def test_enterprise_withdraws_its_own_open_request_and_clocks_stop(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent, now=sh(2025, 3, 4, 9))
    other = make_user(session, w.park, Role.enterprise)
    with pytest.raises(NotFound):
        service.withdraw(session, user=other, request_id=req.id, data=WithdrawBody())
    service.withdraw(session, user=w.ent, request_id=req.id, data=WithdrawBody(reason="已自行解决"))
    assert req.status == RequestStatus.withdrawn and req.withdraw_reason == "已自行解决"
    assert escalate_overdue(session, now=sh(2025, 4, 1, 9), park_id=w.park.id) == []
    with pytest.raises(Conflict):
        _dispatch(session, w, req, department_ids=[w.a.id])


def test_reopening_restarts_the_clocks_from_the_reopening(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent, now=sh(2025, 3, 3, 9))
    _dispatch(session, w, req, lead_department_id=w.silent.id)
    dispatching.record_reply(
        session,
        user=w.com,
        request_id=req.id,
        data=RecordReplyBody(department_id=w.silent.id, reply="已函复"),
        now=sh(2025, 3, 4, 10),
    )
    service.close(
        session,
        user=w.com,
        request_id=req.id,
        data=CloseBody(resolution="x"),
        now=sh(2025, 3, 4, 11),
    )
    at = sh(2025, 3, 7, 17, 30)  # Friday afternoon: the clocks run on into next week
    service.rate(session, user=w.ent, request_id=req.id, data=RateBody(satisfaction=1), now=at)
    assert req.status == RequestStatus.reopened and req.reopened_at == at
    assert req.respond_due_at == add_working_minutes(at, 60) == sh(2025, 3, 10, 9, 30)
    assert req.close_due_at == add_working_days(at, 7)
    assert req.responded_at is None and req.closed_at is None and not req.escalated
    # The old reply predates the reopening: closing again needs a stated reason.
    with pytest.raises(ValidationFailed):
        service.close(session, user=w.com, request_id=req.id, data=CloseBody(resolution="y"))
    service.close(
        session,
        user=w.com,
        request_id=req.id,
        data=CloseBody(resolution="再次说明", reason="规划条件无法变更，已当面解释"),
    )
    assert req.close_reason == "规划条件无法变更，已当面解释"
    service.rate(session, user=w.ent, request_id=req.id, data=RateBody(satisfaction=3))
    assert req.status == RequestStatus.rated


def test_commissioner_scope_and_who_may_act(session, w) -> None:  # type: ignore[no-untyped-def]
    other_com = make_user(session, w.park, Role.commissioner)
    ent = session.get(type(w.ent), w.ent.id)
    from biopark.enterprises.models import Enterprise

    session.get(Enterprise, ent.enterprise_id).commissioner_id = w.com.id
    req = make_request(session, w.ent)
    mine = {r.id for r in service.list_requests(session, user=w.com).items}
    theirs = {r.id for r in service.list_requests(session, user=other_com).items}
    park = {r.id for r in service.list_requests(session, user=other_com, scope="park").items}
    assert mine == {req.id} and theirs == set() and park == {req.id}
    # The other commissioner can read it but not handle it.
    assert service.get_request(session, user=other_com, request_id=req.id).id == req.id
    with pytest.raises(Forbidden, match="其他服务专员"):
        dispatching.dispatch(
            session, user=other_com, request_id=req.id, data=DispatchBody(department_ids=[w.a.id])
        )
    assert (
        service.enterprise_url(session, user=w.com, req=req) == f"/enterprises/{ent.enterprise_id}"
    )
    assert service.enterprise_url(session, user=other_com, req=req) is None
    assert service.enterprise_url(session, user=w.a_user, req=req) is None


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachments_are_checked_by_content_and_size(session, w, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent)

    def post(*uploads: thread.Upload, user=None) -> RequestMessage:  # type: ignore[no-untyped-def]
        return thread.post_message(
            session,
            user=user or w.ent,
            request_id=req.id,
            data=MessageBody(body="补充材料"),
            uploads=list(uploads),
            var_dir=tmp_path,
            max_bytes=1024,
        )

    refusals = [
        (thread.Upload("程序.pdf", b"MZ\x90\x00binary"), "类型不支持"),
        (thread.Upload("说明.txt", PDF), "类型不支持"),  # content says PDF, name says text
        (thread.Upload("大.pdf", PDF + b"0" * 2000), "超过"),
        (thread.Upload("空.pdf", b""), "为空"),
    ]
    for bad, message in refusals:
        with pytest.raises(ValidationFailed, match=message):
            post(thread.Upload("ok.txt", "说明".encode()), bad)
    assert session.scalar(select(func.count()).select_from(RequestMessage)) == 0
    assert not (tmp_path / "attachments").exists() or not any(
        (tmp_path / "attachments").rglob("*.*")
    )
    msg = post(thread.Upload("../../营业执照.pdf", PDF), thread.Upload("note.txt", "备注".encode()))
    att = msg.attachments[0]
    assert att.filename == "营业执照.pdf" and att.content_type == "application/pdf"
    assert ".." not in att.stored_name and "营业执照" not in att.stored_name
    _, path = thread.get_attachment(
        session, user=w.com, request_id=req.id, attachment_id=att.id, var_dir=tmp_path
    )
    assert path.read_bytes() == PDF and path.is_relative_to(tmp_path / "attachments")
    other = make_user(session, w.park, Role.enterprise)
    with pytest.raises(NotFound):
        thread.get_attachment(
            session, user=other, request_id=req.id, attachment_id=att.id, var_dir=tmp_path
        )
    with pytest.raises(NotFound):  # a department the request never went to
        post(thread.Upload("a.txt", b"x"), user=w.b_user)


def test_sniff_reads_office_files_by_their_parts() -> None:
    import io
    import zipfile

    def office(part: str) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr(part, "<x/>")
        return buf.getvalue()

    assert thread.sniff(office("word/document.xml")) == "docx"
    assert thread.sniff(office("xl/workbook.xml")) == "xlsx"
    assert thread.sniff(office("other/thing.xml")) is None
    assert thread.sniff(b"\x89PNG\r\n\x1a\n....") == "png"
    assert thread.sniff(b"\xff\xd8\xff\xe0JFIF") == "jpeg"
    assert thread.sniff("纯文本".encode("gbk")) is None


def test_a_withdrawn_dispatch_is_never_escalated(session, w) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, w.ent, now=sh(2025, 3, 3, 9))
    dispatching.dispatch(
        session,
        user=w.com,
        request_id=req.id,
        data=DispatchBody(lead_department_id=w.a.id, department_ids=[w.b.id]),
        now=sh(2025, 3, 3, 10),
    )
    dispatching.withdraw_dispatch(
        session,
        user=w.com,
        request_id=req.id,
        data=WithdrawDispatchBody(department_id=w.b.id, reason="派错"),
        now=sh(2025, 3, 3, 11),
    )
    found = escalate_overdue(session, now=sh(2025, 3, 20, 9), park_id=w.park.id)
    assert [e.department for e in found if e.clock == "reply"] == ["市药监局"]
