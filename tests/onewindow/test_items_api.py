"""一窗综办 catalogue API: create, change, retire and import items; admins only, own park only."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.onewindow.models import ServiceItem
from tests.builders import make_park, make_user, token_headers
from tests.onewindow.builders import make_item, make_sheet, two_departments

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_admin_creates_changes_and_retires_items(session: Session, client: TestClient) -> None:
    park, other = make_park(session), make_park(session)
    d1, d2 = two_departments(session, park)
    admin = make_user(session, park, Role.admin)
    ent = make_user(session, park, Role.enterprise)
    foreign = make_item(session, other, list(two_departments(session, other)))
    h, he = token_headers(client, admin), token_headers(client, ent)
    body = {
        "code": "API-1",
        "name": "接口新建事项",
        "department_ids": [d1.id],
        "zero_material": True,
    }

    assert client.post("/api/onewindow/items", json=body, headers=he).status_code == 403
    r = client.post("/api/onewindow/items", json=body, headers=h)
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["active"] is True
    again = client.post("/api/onewindow/items?lang=en", json=body, headers=h)
    assert again.status_code == 409 and "already used" in again.text

    r = client.patch(
        f"/api/onewindow/items/{item['id']}",
        json={"name": "改名后的事项", "department_ids": [d1.id, d2.id]},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["department_ids"] == [d1.id, d2.id]
    assert r.json()["code"] == "API-1"
    r = client.patch(
        f"/api/onewindow/items/{item['id']}?lang=en",
        json={"materials": [{"name": "执照", "kind": "document", "source": "营业执照"}]},
        headers=h,
    )
    assert r.status_code == 422 and "zero-material" in r.text
    assert (
        client.patch(f"/api/onewindow/items/{item['id']}", json={"name": "企业改名"}, headers=he)
    ).status_code == 403
    assert (
        client.patch(f"/api/onewindow/items/{foreign.id}", json={"name": "别园改名"}, headers=h)
    ).status_code == 404

    r = client.patch(f"/api/onewindow/items/{item['id']}", json={"active": False}, headers=h)
    assert r.status_code == 200 and r.json()["active"] is False
    assert item["id"] not in [
        i["id"] for i in client.get("/api/onewindow/items", headers=he).json()
    ]
    listed = client.get("/api/onewindow/items?retired=true", headers=h).json()
    assert item["id"] in [i["id"] for i in listed]
    r = client.post("/api/onewindow/submissions?lang=en", json={"item_id": item["id"]}, headers=he)
    assert r.status_code == 409 and "no longer accepted" in r.text


def test_import_upload_all_or_nothing_with_row_errors(session: Session, client: TestClient) -> None:
    park = make_park(session)
    two_departments(session, park)
    admin = make_user(session, park, Role.admin)
    h = token_headers(client, admin)
    good = make_sheet([["IMP-1", "导入的事项", "类", None, "是", 2, "市药监局", None]])

    dry = client.post(
        "/api/onewindow/items/import?dry_run=true",
        files={"file": ("清单.xlsx", good, XLSX)},
        headers=h,
    )
    assert dry.status_code == 200 and dry.json()["created"] == ["IMP-1"] and dry.json()["dry_run"]
    assert session.scalars(select(ServiceItem).where(ServiceItem.park_id == park.id)).all() == []

    r = client.post(
        "/api/onewindow/items/import", files={"file": ("清单.xlsx", good, XLSX)}, headers=h
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"created": ["IMP-1"], "updated": [], "unchanged": [], "dry_run": False}

    bad = make_sheet(
        [
            ["IMP-1", "改名", None, None, "是", 2, "市药监局", None],
            ["IMP-2", "新的", None, None, "是", 2, "没有这个局", None],
        ]
    )
    r = client.post(
        "/api/onewindow/items/import?lang=en", files={"file": ("a.xlsx", bad, XLSX)}, headers=h
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert "nothing changed" in err["message"]
    assert err["detail"] == [
        {
            "row": 3,
            "column": "办理部门",
            "message": "Row 3, Departments: no department “没有这个局” in this park",
        }
    ]
    names = session.scalars(select(ServiceItem.name).where(ServiceItem.park_id == park.id)).all()
    assert names == ["导入的事项"]

    r = client.post(
        "/api/onewindow/items/import?lang=zh",
        files={"file": ("a.txt", b"hello", "text/plain")},
        headers=h,
    )
    assert r.status_code == 422 and "仅支持 .xlsx 或 .csv 文件" in r.text


def test_import_and_template_are_for_admins(session: Session, client: TestClient) -> None:
    park = make_park(session)
    two_departments(session, park)
    clerk = make_user(session, park, Role.commissioner)
    admin = make_user(session, park, Role.admin)
    hc, ha = token_headers(client, clerk), token_headers(client, admin)
    sheet = make_sheet([["IMP-9", "不该导入", None, None, "是", 2, "市药监局", None]])
    r = client.post(
        "/api/onewindow/items/import", files={"file": ("a.xlsx", sheet, XLSX)}, headers=hc
    )
    assert r.status_code == 403
    assert client.get("/api/onewindow/items/import-template.xlsx", headers=hc).status_code == 403
    r = client.get("/api/onewindow/items/import-template.xlsx", headers=ha)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    assert [c.value for c in ws[1]][:2] == ["事项编码", "事项名称"] and ws.max_row == 2
