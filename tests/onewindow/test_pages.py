"""一窗综办 pages: apply once, department acts, the progress view; Chinese and English."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.onewindow.models import PartStatus, Submission
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.onewindow.builders import (
    LICENCE,
    NAME,
    PDF,
    department_user,
    make_item,
    two_departments,
)


def test_apply_act_and_follow_progress(session: Session, app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    d1, d2 = two_departments(session, park)
    item = make_item(session, park, [d1, d2])
    ent = make_user(session, park, Role.enterprise)
    u1 = department_user(session, park, d1)
    page_login(client, ent)
    catalogue = client.get("/onewindow")
    assert (
        catalogue.status_code == 200 and item.name in catalogue.text and "零材料" in catalogue.text
    )
    page = client.get(f"/onewindow/items/{item.id}")
    assert "无需上传任何材料" in page.text and "已在档，自动复用" in page.text
    r = client.post(f"/onewindow/items/{item.id}/apply", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "申请已提交" in r.text
    sub = session.scalars(select(Submission)).one()
    again = client.post(
        f"/onewindow/items/{item.id}/apply", data={"csrf_token": csrf_of(page.text)}
    )
    assert again.status_code == 409 and "请勿重复提交" in again.text

    dept = TestClient(app)
    page_login(dept, u1)
    queue = dept.get("/onewindow/submissions")
    assert sub.number in queue.text
    detail = dept.get(f"/onewindow/submissions/{sub.id}")
    own = next(p for p in sub.parts if p.department_id == d1.id)
    other = next(p for p in sub.parts if p.department_id == d2.id)
    assert f"/onewindow/parts/{own.id}/act" in detail.text
    assert f"/onewindow/parts/{other.id}/act" not in detail.text
    token = csrf_of(detail.text)
    r = dept.post(
        f"/onewindow/parts/{own.id}/act",
        data={"csrf_token": token, "action": "return", "note": "", "submission_id": sub.id},
    )
    assert r.status_code == 422 and "须说明理由" in r.text
    r = dept.post(
        f"/onewindow/parts/{own.id}/act",
        data={"csrf_token": token, "action": "approve", "submission_id": sub.id},
    )
    assert r.status_code == 200 and "办理结果已保存" in r.text
    r = dept.post(
        f"/onewindow/parts/{other.id}/act",
        data={"csrf_token": token, "action": "approve", "submission_id": sub.id},
    )
    assert r.status_code == 403
    assert own.status == PartStatus.approved and other.status == PartStatus.received

    progress = client.get(f"/onewindow/submissions/{sub.id}?lang=en")
    assert progress.status_code == 200
    assert (
        "Approved" in progress.text
        and "Received" in progress.text
        and "Processing" in progress.text
    )


def test_upload_page_refuses_a_disguised_file(session: Session, client: TestClient) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    item = make_item(session, park, [d1], zero_material=False, materials=[NAME, LICENCE])
    ent = make_user(session, park, Role.enterprise)
    page_login(client, ent)
    page = client.get(f"/onewindow/items/{item.id}")
    assert 'name="doc::营业执照"' in page.text
    r = client.post(
        f"/onewindow/items/{item.id}/apply",
        data={"csrf_token": csrf_of(page.text)},
        files={"doc::营业执照": ("营业执照.pdf", b"<script>alert(1)</script>", "application/pdf")},
    )
    assert r.status_code == 422 and "内容与扩展名不符" in r.text
    assert session.scalars(select(Submission)).first() is None
    r = client.post(
        f"/onewindow/items/{item.id}/apply",
        data={"csrf_token": csrf_of(page.text)},
        files={"doc::营业执照": ("营业执照.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 200 and "本次上传" in r.text


def test_pages_in_english(session: Session, client: TestClient) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    make_item(session, park, [d1])
    page_login(client, make_user(session, park, Role.leader))
    r = client.get("/onewindow?lang=en")
    assert r.status_code == 200 and "Service items" in r.text and "Zero-material" in r.text
    assert client.get("/onewindow/submissions?lang=en").status_code == 200
