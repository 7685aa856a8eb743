"""Chain pages: map, link detail with placement, gaps with the import form, isolation."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import csrf_of, make_enterprise, make_park, make_user, page_login
from tests.chain.builders import link_of, place, xlsx_bytes


def test_map_page_embeds_chart_data_and_the_link_list(client: TestClient, session: Session) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, name="重庆甲抗体有限公司", cluster="生物药")
    place(session, park, "antibody", ent, leader=True)
    page_login(client, make_user(session, park, Role.leader))
    html = client.get("/chain").text
    assert '<script src="/static/vendor/echarts.min.js"></script>' in html
    raw = re.search(r'<script type="application/json" id="chain-data">(.*?)</script>', html, re.S)
    assert raw is not None
    tree = json.loads(raw.group(1))
    assert [c["name"] for c in tree["children"]] == ["上游", "中游", "下游"]
    antibody = link_of(session, park, "antibody")
    assert f'href="/chain/links/{antibody.id}"' in html
    assert "集群视图" in html
    detail = client.get(f"/chain/links/{antibody.id}").text
    assert "重庆甲抗体有限公司" in detail and f'href="/enterprises/{ent.id}"' in detail


def test_cluster_switch_cuts_the_map_down(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.commissioner))
    html = client.get("/chain?cluster=现代中药").text
    raw = re.search(r'<script type="application/json" id="chain-data">(.*?)</script>', html, re.S)
    assert raw is not None
    tree = json.loads(raw.group(1))
    assert [c["name"] for c in tree["children"]] == ["中游"]
    assert [c["name"] for c in tree["children"][0]["children"]] == ["现代中药"]
    assert "疫苗</a>" not in html
    assert client.get("/chain?cluster=bogus").status_code == 200


def test_officer_places_an_enterprise_through_the_form(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, name="重庆乙CDMO有限公司")
    page_login(client, make_user(session, park, Role.investment_officer))
    link = link_of(session, park, "cdmo")
    html = client.get(f"/chain/links/{link.id}").text
    resp = client.post(
        f"/chain/links/{link.id}/place",
        data={"enterprise_id": str(ent.id), "is_leader": "on", "csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = client.get(f"/chain/links/{link.id}").text
    assert "重庆乙CDMO有限公司" in page
    bad = client.post(
        f"/chain/links/{link.id}/place", data={"enterprise_id": "", "csrf_token": csrf_of(html)}
    )
    assert bad.status_code == 422 and "请选择企业" in bad.text
    no_csrf = client.post(f"/chain/links/{link.id}/place", data={"enterprise_id": str(ent.id)})
    assert no_csrf.status_code == 403


def test_gaps_page_import_shows_row_errors_in_chinese(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.analyst))
    html = client.get("/chain/gaps").text
    assert "导入候选企业" in html and "CDMO与生产制造" in html
    rows = [["环节", "企业名称"], ["cdmo", "甲"], ["cdmo", "丙生物有限公司"]]
    resp = client.post(
        "/chain/gaps/import",
        data={"csrf_token": csrf_of(html)},
        files={"file": ("x.xlsx", xlsx_bytes(rows), "application/octet-stream")},
    )
    assert resp.status_code == 200 and "失败原因" in resp.text
    assert "第 2 行：企业名称为空或太短" in resp.text
    assert "丙生物有限公司" not in client.get("/chain/gaps").text
    rows.pop(1)
    resp = client.post(
        "/chain/gaps/import",
        data={"csrf_token": csrf_of(html)},
        files={"file": ("x.xlsx", xlsx_bytes(rows), "application/octet-stream")},
    )
    assert resp.status_code == 200 and "已完成" in resp.text and "新增 1" in resp.text
    assert "丙生物有限公司" in client.get("/chain/gaps").text


def test_leader_has_no_import_form_and_enterprise_users_no_chain(
    client: TestClient, session: Session
) -> None:
    park, other = make_park(session), make_park(session)
    page_login(client, make_user(session, park, Role.leader))
    assert "导入候选企业" not in client.get("/chain/gaps").text
    assert client.get(f"/chain/links/{link_of(session, other, 'cdmo').id}").status_code == 404
    client.cookies.clear()
    page_login(client, make_user(session, park, Role.enterprise))
    assert client.get("/chain").status_code == 403
    assert client.get(f"/chain/links/{link_of(session, park, 'cdmo').id}").status_code == 403


def test_officer_edits_a_link_and_a_new_version_is_listed(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.investment_officer))
    link = link_of(session, park, "vaccine")
    html = client.get(f"/chain/links/{link.id}").text
    token = csrf_of(html)
    resp = client.post(
        f"/chain/links/{link.id}/edit",
        data={"name": "疫苗", "min_enterprises": "abc", "csrf_token": token},
    )
    assert resp.status_code == 422 and "目标企业数：应为整数" in resp.text
    resp = client.post(
        f"/chain/links/{link.id}/edit",
        data={
            "name": "疫苗与血液制品",
            "min_enterprises": "3",
            "needs": ["materials", "cdmo"],
            "note": "扩大范围",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert resp.status_code == 303
    page = client.get(f"/chain/links/{link.id}").text
    assert "疫苗与血液制品" in page and "扩大范围" in page and "企业数 0 少于目标 3" not in page
    assert link.needs == ["materials", "cdmo"] and link.min_enterprises == 3
