"""一窗综办 catalogue upkeep on the pages: upload, retire/reactivate, edit; admins only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.onewindow.models import ServiceItem
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.onewindow.builders import make_item, make_sheet, two_departments

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_admin_uploads_the_catalogue_and_sees_every_row_error(
    session: Session, client: TestClient
) -> None:
    park = make_park(session)
    two_departments(session, park)
    page_login(client, make_user(session, park, Role.admin))
    page = client.get("/onewindow")
    assert page.status_code == 200 and 'action="/onewindow/items/import"' in page.text
    assert "/api/onewindow/items/import-template.xlsx" in page.text
    token = csrf_of(page.text)
    bad = make_sheet(
        [
            ["PG-1", "页面导入事项", None, None, "是", 2, "市药监局", None],
            ["PG-2", None, None, None, "是", 2, "市药监局", "执照|photo|x"],
        ]
    )
    r = client.post(
        "/onewindow/items/import",
        data={"csrf_token": token},
        files={"file": ("a.xlsx", bad, XLSX)},
    )
    assert r.status_code == 422
    assert "导入失败，未做任何修改" in r.text
    assert "第 3 行「事项名称」：必填" in r.text and "第 3 行「材料」" in r.text
    assert session.scalars(select(ServiceItem).where(ServiceItem.park_id == park.id)).all() == []

    r = client.post(
        "/onewindow/items/import",
        data={"csrf_token": token},
        files={"file": ("a.xlsx", bad[:100], XLSX)},
    )
    assert r.status_code == 422 and "不是有效的 Excel 文件" in r.text

    good = make_sheet([["PG-1", "页面导入事项", None, None, "是", 2, "市药监局", None]])
    r = client.post(
        "/onewindow/items/import",
        data={"csrf_token": token},
        files={"file": ("a.xlsx", good, XLSX)},
    )
    assert r.status_code == 200 and "事项清单已导入" in r.text and "页面导入事项" in r.text


def test_retire_and_reactivate_from_the_catalogue(
    session: Session,
    app,
    client: TestClient,  # type: ignore[no-untyped-def]
) -> None:
    park = make_park(session)
    d1, _ = two_departments(session, park)
    item = make_item(session, park, [d1], name="将要停用的事项")
    page_login(client, make_user(session, park, Role.admin))
    page = client.get("/onewindow")
    r = client.post(
        f"/onewindow/items/{item.id}/active", data={"csrf_token": csrf_of(page.text), "active": "0"}
    )
    assert r.status_code == 200 and "事项已停用" in r.text
    assert "已停用" in r.text and "重新启用" in r.text  # the admin still sees it, marked

    ent = TestClient(app)
    page_login(ent, make_user(session, park, Role.enterprise))
    assert "将要停用的事项" not in ent.get("/onewindow").text
    assert 'action="/onewindow/items/import"' not in ent.get("/onewindow").text
    detail = ent.get(f"/onewindow/items/{item.id}")
    assert "本事项已停用" in detail.text
    r = ent.post(f"/onewindow/items/{item.id}/apply", data={"csrf_token": csrf_of(detail.text)})
    assert r.status_code == 409 and "该事项已停止受理" in r.text
    r = ent.post(
        f"/onewindow/items/{item.id}/active",
        data={"csrf_token": csrf_of(detail.text), "active": "1"},
    )
    assert r.status_code == 403

    r = client.post(
        f"/onewindow/items/{item.id}/active",
        data={"csrf_token": csrf_of(client.get("/onewindow").text), "active": "1"},
    )
    assert r.status_code == 200 and "事项已重新启用" in r.text
    assert "将要停用的事项" in ent.get("/onewindow").text


def test_edit_page_keeps_what_was_typed_on_errors(
    session: Session,
    app,
    client: TestClient,  # type: ignore[no-untyped-def]
) -> None:
    park, other = make_park(session), make_park(session)
    d1, d2 = two_departments(session, park)
    item = make_item(session, park, [d1], name="原来的事项")
    taken = make_item(session, park, [d1])
    foreign = make_item(session, other, list(two_departments(session, other)))
    page_login(client, make_user(session, park, Role.admin))
    page = client.get(f"/onewindow/items/{item.id}/edit")
    assert page.status_code == 200 and "企业名称|record|name" in page.text
    token = csrf_of(page.text)
    typed = {
        "csrf_token": token,
        "code": item.code,
        "name": "我改过的名字",
        "category": "新类别",
        "description": "",
        "zero_material": "1",
        "time_limit_days": "7",
        "department_ids": [str(d1.id), str(d2.id)],
        "materials": "营业执照|document|营业执照",
    }
    r = client.post(f"/onewindow/items/{item.id}/edit", data=typed)
    assert r.status_code == 422 and "零材料事项不能要求上传材料" in r.text
    assert "我改过的名字" in r.text and "营业执照|document|营业执照" in r.text

    r = client.post(f"/onewindow/items/{item.id}/edit", data={**typed, "materials": "坏的写法"})
    assert r.status_code == 422 and "应写作 名称|类型|来源" in r.text and "坏的写法" in r.text
    r = client.post(
        f"/onewindow/items/{item.id}/edit", data={**typed, "materials": "", "time_limit_days": "0"}
    )
    assert r.status_code == 422 and "办理时限（工作日）" in r.text
    r = client.post(
        f"/onewindow/items/{item.id}/edit", data={**typed, "materials": "", "code": taken.code}
    )
    assert r.status_code == 422 and "事项编码已存在" in r.text
    r = client.post(f"/onewindow/items/{item.id}/edit?lang=en", data={**typed, "materials": "x"})
    assert r.status_code == 422 and "must be written name|kind|source" in r.text

    r = client.post(
        f"/onewindow/items/{item.id}/edit?lang=zh",
        data={**typed, "materials": "企业名称|record|name"},
    )
    assert r.status_code == 200 and "事项已保存" in r.text and "我改过的名字" in r.text
    session.refresh(item)
    assert item.department_ids == [d1.id, d2.id] and item.time_limit_days == 7

    assert client.get(f"/onewindow/items/{foreign.id}/edit").status_code == 404
    ent = TestClient(app)
    page_login(ent, make_user(session, park, Role.enterprise))
    assert ent.get(f"/onewindow/items/{item.id}/edit").status_code == 403
    r = ent.post(
        f"/onewindow/items/{item.id}/edit",
        data={**typed, "csrf_token": csrf_of(ent.get("/onewindow").text)},
    )
    assert r.status_code == 403
