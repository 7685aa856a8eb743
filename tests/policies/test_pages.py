"""Policy pages: library, editor with Chinese errors, push list, 我的政策, isolation."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from tests.builders import csrf_of, make_enterprise, make_park, make_user, page_login
from tests.policies.builders import make_policy


def test_editor_round_trip_and_errors(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.admin))
    html = client.get("/policies/new").text
    form = {
        "csrf_token": csrf_of(html),
        "title": "巴南区页面测试政策",
        "issuer": "重庆市巴南区科学技术局",
        "level": "区级",
        "benefit": "talent",
        "valid_from": "2025-01-01",
        "conditions": "{not json",
        "published": "on",
    }
    resp = client.post("/policies/new", data=form)
    assert resp.status_code == 422 and "申报条件：不是有效的 JSON" in resp.text
    assert "{not json" in resp.text
    form["conditions"] = json.dumps({"all": [{"op": "in_pool", "value": "独角兽"}]})
    resp = client.post("/policies/new", data=form)
    assert resp.status_code == 422 and "培育库须为" in resp.text
    form["conditions"] = json.dumps({"all": [{"op": "in_pool", "value": "专精特新"}]})
    resp = client.post("/policies/new", data=form, follow_redirects=False)
    assert resp.status_code == 303
    detail = client.get(resp.headers["location"]).text
    assert "已入“专精特新”培育库" in detail
    listing = client.get("/policies").text
    assert "巴南区页面测试政策" in listing


def test_push_list_and_policy_pages_for_commissioner(client: TestClient, session: Session) -> None:
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    mine = make_enterprise(
        session,
        park,
        name="重庆我的服务企业有限公司",
        tags=["高新技术企业"],
        commissioner_id=commissioner.id,
    )
    make_enterprise(session, park, name="重庆不归我管有限公司", tags=["高新技术企业"])
    policy = make_policy(session, park, auto_grant=True)
    page_login(client, commissioner)
    html = client.get("/push-list").text
    assert "重庆我的服务企业有限公司" in html and "重庆不归我管有限公司" not in html
    resp = client.post(
        "/push-list/mark",
        data={"csrf_token": csrf_of(html), "policy_id": policy.id, "enterprise_id": mine.id},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert "已推送" in client.get("/push-list").text
    detail = client.get(f"/policies/{policy.id}").text
    assert "免申即享名单" in detail and "重庆我的服务企业有限公司" in detail
    assert "重庆不归我管有限公司" not in detail


def test_enterprise_user_my_policies_and_404s(client: TestClient, session: Session) -> None:
    park = make_park(session)
    own = make_enterprise(session, park, tags=["高新技术企业"])
    user = make_user(session, park, Role.enterprise, enterprise_id=own.id)
    other = make_enterprise(session, park, name="重庆邻居生物有限公司", tags=["高新技术企业"])
    make_policy(session, park, title="只看自己的测试政策")
    make_policy(
        session, park, title="与我无关的测试政策", conditions={"op": "has_tag", "value": "上市"}
    )
    page_login(client, user)
    assert client.get("/policies", follow_redirects=False).headers["location"] == "/my/policies"
    html = client.get("/my/policies").text
    assert "只看自己的测试政策" in html and "与我无关的测试政策" not in html
    assert "重庆邻居生物有限公司" not in html
    assert client.get(f"/enterprises/{other.id}").status_code == 404
    assert client.get("/push-list").status_code == 403
    assert client.get("/policies/new").status_code == 403


def test_department_user_sees_no_policy_pages(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.department))
    assert client.get("/policies").status_code == 403
    assert client.get("/push-list").status_code == 403
    assert client.get("/my/policies").status_code == 403


def test_condition_check_fragment(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.commissioner))
    csrf = csrf_of(client.get("/policies/new").text)
    headers = {"X-CSRF-Token": csrf}
    ok = client.post(
        "/policies/check-conditions",
        headers=headers,
        data={"conditions": json.dumps({"op": "age_years_gte", "value": 3})},
    )
    assert ok.text == '<div class="notice">成立满 3 年</div>'
    bad = client.post(
        "/policies/check-conditions", headers=headers, data={"conditions": '{"op": "<script>"}'}
    )
    assert "未知运算" in bad.text and "<script>" not in bad.text
    junk = client.post("/policies/check-conditions", headers=headers, data={"conditions": "{"})
    assert "不是有效的 JSON" in junk.text


def test_policy_conditions_in_the_page_language(client: TestClient, session: Session) -> None:
    park = make_park(session)
    commissioner = make_user(session, park, Role.commissioner)
    policy = make_policy(session, park)
    page_login(client, commissioner)
    assert "具有“高新技术企业”标签" in client.get(f"/policies/{policy.id}").text
    english = client.get(f"/policies/{policy.id}?lang=en").text
    assert "Has the tag “High-tech enterprise”" in english
    assert "具有“" not in english
