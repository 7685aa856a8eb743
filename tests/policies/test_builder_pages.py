"""Rule builder parts (redraw, JSON toggle, preview), saving from the form, and 政策计算器."""

from __future__ import annotations

import html
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.policies.models import Policy
from tests.builders import csrf_of, make_enterprise, make_park, make_user, page_login
from tests.policies.builders import make_policy

ROWS = {
    "conditions_mode": "form",
    "rb.r.kind": "all",
    "rb.r.0.field": "tags",
    "rb.r.0.op": "has_tag",
    "rb.r.0.value": "高新技术企业",
    "rb.r.1.field": "employees",
    "rb.r.1.op": "gte",
    "rb.r.1.value": "50",
}


def _editor(client: TestClient, session: Session, role: Role = Role.admin):  # type: ignore[no-untyped-def]
    park = make_park(session)
    page_login(client, make_user(session, park, role))
    csrf = csrf_of(client.get("/policies/new").text)
    return park, {"X-CSRF-Token": csrf}, csrf


def test_new_policy_page_draws_the_builder(client: TestClient, session: Session) -> None:
    _editor(client, session)
    page = client.get("/policies/new").text
    assert 'name="rb.r.kind"' in page and 'name="rb.r.0.field"' in page
    assert 'id="rule-preview"' in page and "以 JSON 编辑" in page


def test_redraw_adds_and_removes_rows(client: TestClient, session: Session) -> None:
    _park, headers, _ = _editor(client, session)
    added = client.post(
        "/policies/rule-builder", headers=headers, data={**ROWS, "action": "add-group:r"}
    )
    assert added.status_code == 200 and 'name="rb.r.2.kind"' in added.text
    assert added.headers["HX-Trigger"] == "rules-changed"
    removed = client.post(
        "/policies/rule-builder", headers=headers, data={**ROWS, "action": "remove:r.0"}
    )
    assert 'name="rb.r.1.field"' not in removed.text and 'value="50"' in removed.text
    forged = client.post(
        "/policies/rule-builder", headers=headers, data={**ROWS, "action": "remove:r.0;drop"}
    )
    assert forged.status_code == 200 and "条件表单无效" in forged.text


def test_json_toggle_round_trips_for_admins_only(client: TestClient, session: Session) -> None:
    _park, headers, _ = _editor(client, session)
    to_json = client.post(
        "/policies/rule-builder", headers=headers, data={**ROWS, "action": "to-json"}
    )
    shown = html.unescape(to_json.text)
    assert '"op": "gte"' in shown and '"value": 50' in shown  # canonical: a number
    text = '{"all": [{"op": "has_tag", "value": "上市"}, {"any": [{"op": "in_pool", "value": "专精特新"}]}]}'
    back = client.post(
        "/policies/rule-builder",
        headers=headers,
        data={"conditions_mode": "json", "conditions_json": text, "action": "to-form"},
    )
    assert 'name="rb.r.1.kind"' in back.text and 'name="rb.r.1.0.value"' in back.text
    broken = client.post(
        "/policies/rule-builder",
        headers=headers,
        data={"conditions_mode": "json", "conditions_json": '{"op": "drop"}', "action": "to-form"},
    )
    assert "未知运算" in broken.text and 'name="conditions_json"' in broken.text


def test_commissioners_get_the_form_without_json(client: TestClient, session: Session) -> None:
    _park, headers, _ = _editor(client, session, Role.commissioner)
    assert "以 JSON 编辑" not in client.get("/policies/new").text
    resp = client.post(
        "/policies/rule-builder", headers=headers, data={**ROWS, "action": "to-json"}
    )
    assert "仅管理员可直接编辑 JSON" in resp.text


def test_preview_names_who_qualifies_and_who_nearly_does(
    client: TestClient, session: Session
) -> None:
    park, headers, _ = _editor(client, session)
    make_enterprise(
        session, park, name="重庆都满足生物有限公司", tags=["高新技术企业"], employees=80
    )
    make_enterprise(session, park, name="重庆人少生物有限公司", tags=["高新技术企业"], employees=10)
    make_enterprise(session, park, name="重庆都不满足有限公司", tags=[], employees=5)
    page = client.post("/policies/rule-preview", headers=headers, data=ROWS).text
    qualified, nearly = page.split("接近符合的企业")
    assert "重庆都满足生物有限公司" in qualified and "重庆人少生物有限公司" not in qualified
    assert "重庆人少生物有限公司" in nearly and "员工人数 ≥ 50 人" in nearly
    assert "重庆都不满足有限公司" not in page
    bad = client.post(
        "/policies/rule-preview", headers=headers, data={**ROWS, "rb.r.1.value": "很多"}
    )
    assert "预览暂停" in bad.text and "应为数字" in bad.text


def test_saving_from_the_form_stores_the_rule(client: TestClient, session: Session) -> None:
    _park, _headers, csrf = _editor(client, session)
    form = {
        "csrf_token": csrf,
        "title": "巴南区表单条件测试政策",
        "issuer": "重庆市巴南区科学技术局",
        "level": "区级",
        "benefit": "subsidy",
        "valid_from": "2025-01-01",
        "published": "on",
        **ROWS,
        "rb.r.1.value": "",
    }
    refused = client.post("/policies/new", data=form)
    assert refused.status_code == 422 and "员工人数：请填写条件的值" in refused.text
    assert session.query(Policy).filter_by(title="巴南区表单条件测试政策").count() == 0
    form["rb.r.1.value"] = "50"
    saved = client.post("/policies/new", data=form, follow_redirects=False)
    assert saved.status_code == 303
    policy = session.query(Policy).filter_by(title="巴南区表单条件测试政策").one()
    assert policy.conditions == {
        "all": [
            {"op": "has_tag", "value": "高新技术企业"},
            {"op": "gte", "field": "employees", "value": 50},
        ]
    }
    edit = client.get(f"/policies/{policy.id}/edit").text
    assert 'name="rb.r.1.value" value="50"' in edit


def test_calculator_uses_the_record_and_what_if_figures(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    ent = make_enterprise(session, park, tags=["高新技术企业"], rd_spending=Decimal(3000000))
    make_policy(
        session,
        park,
        title="研发投入后补助测试",
        conditions={"all": [{"op": "gte", "field": "rd_spending", "value": 5000000}]},
        amount_rule={"kind": "rate", "base": "rd_spending", "rate": "0.1", "cap": 2000000},
    )
    make_policy(
        session, park, title="高企认定奖励测试", amount_rule={"kind": "fixed", "amount": 200000}
    )
    page_login(client, make_user(session, park, Role.enterprise, enterprise_id=ent.id))
    page = client.get("/my/policies/calculator").text
    qualified, nearly = page.split('id="calc-nearly"')
    assert 'value="3000000"' in page
    assert "高企认定奖励测试" in qualified and "20万元" in qualified
    assert "研发投入后补助测试" in nearly and "现为：300万元" in nearly
    what_if = client.get(
        "/my/policies/calculator",
        params={"go": "1", "rd_spending": "800万", "tags": "高新技术企业"},
    )
    qualified = what_if.text.split('id="calc-nearly"')[0]
    assert "研发投入后补助测试" in qualified and "80万元" in qualified
    assert "合计（可估算部分）：100万元" in qualified
    session.refresh(ent)
    assert ent.rd_spending == Decimal(3000000)  # nothing saved


def test_calculator_refuses_bad_figures_and_other_roles(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.enterprise))
    for params, message in (
        ({"rd_spending": "很多"}, "不是金额"),
        ({"employees": "-3"}, "员工人数"),
        ({"founded_on": "2999-01-01"}, "成立日期应在"),
        ({"cluster": "<script>"}, "须为所列产业集群之一"),
        ({"tags": "假标签"}, "须为所列标签之一"),
    ):
        resp = client.get("/my/policies/calculator", params={"go": "1", **params})
        assert resp.status_code == 422 and message in resp.text, params
    other = TestClient(client.app)
    page_login(other, make_user(session, park, Role.commissioner))
    assert other.get("/my/policies/calculator").status_code == 403
