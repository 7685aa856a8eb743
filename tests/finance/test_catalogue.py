"""Editing, retiring and reactivating financial products: service, API and pages, with refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.finance import service
from biopark.finance.models import FinanceProduct, NeedStatus
from biopark.finance.schemas import ProductUpdate, ReferBody
from tests.builders import csrf_of, make_park, make_user, page_login, token_headers
from tests.finance.builders import make_need, make_product


def _entries(session: Session, product_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "finance_product", AuditEntry.entity_id == product_id)
            .order_by(AuditEntry.seq)
        )
    )


def test_update_changes_only_given_fields_and_audits_before_after(session: Session) -> None:
    park = make_park(session)
    admin = make_user(session, park, Role.commissioner)
    product = make_product(session, park, name="研发贷", amount_min=Decimal(1_000_000))
    service.update_product(
        session,
        user=admin,
        product_id=product.id,
        data=ProductUpdate(name="  创新研发贷 ", amount_max=Decimal(500_000_000)),
    )
    assert product.name == "创新研发贷" and product.amount_max == Decimal(500_000_000)
    assert product.provider == "测试农村商业银行" and product.amount_min == Decimal(1_000_000)
    entry = _entries(session, product.id)[-1]
    assert entry.action == "update"
    assert entry.changes == {
        "name": ["研发贷", "创新研发贷"],
        "amount_max": ["300000000.00", "500000000.00"],
    }
    service.update_product(session, user=admin, product_id=product.id, data=ProductUpdate())
    assert len(_entries(session, product.id)) == 2  # nothing changed, nothing recorded


def test_update_refusals_write_nothing(session: Session) -> None:
    park, other = make_park(session), make_park(session)
    editor = make_user(session, park, Role.admin)
    product = make_product(session, park, name="甲贷", amount_min=Decimal(100))
    make_product(session, park, name="乙贷")
    foreign = make_product(session, other, name="外园区贷")
    with pytest.raises(Conflict):
        service.update_product(
            session, user=editor, product_id=product.id, data=ProductUpdate(name="乙贷")
        )
    with pytest.raises(ValidationFailed):  # below the stored minimum
        service.update_product(
            session, user=editor, product_id=product.id, data=ProductUpdate(amount_max=50)
        )
    for user in (make_user(session, park, Role.leader), make_user(session, park, Role.enterprise)):
        with pytest.raises(Forbidden):
            service.update_product(
                session, user=user, product_id=product.id, data=ProductUpdate(name="丙贷")
            )
        with pytest.raises(Forbidden):
            service.set_product_active(session, user=user, product_id=product.id, active=False)
    for missing in (foreign.id, 999_999):
        with pytest.raises(NotFound):
            service.update_product(
                session, user=editor, product_id=missing, data=ProductUpdate(name="丙贷")
            )
    assert product.name == "甲贷" and product.amount_max == Decimal(300_000_000)
    assert len(_entries(session, product.id)) == 1
    for bad in (
        {"name": "   "},
        {"name": None},
        {"amount_min": "-1"},
        {"amount_min": "5", "amount_max": "1"},
        {"conditions": {"op": "boom"}},
        {"kind": "crypto"},
    ):
        with pytest.raises(ValidationError):
            ProductUpdate.model_validate(bad)


def test_retired_product_is_not_offered_nor_matched_but_referred_needs_keep_it(
    session: Session,
) -> None:
    park = make_park(session)
    staff = make_user(session, park, Role.commissioner)
    owner = make_user(session, park, Role.enterprise)
    product = make_product(session, park, name="旧贷")
    referred = make_need(session, owner)
    service.refer_need(
        session, user=staff, need_id=referred.id, data=ReferBody(product_id=product.id)
    )
    fresh = make_need(session, owner)
    assert [m.product_id for m in service.match_need(session, user=staff, need_id=fresh.id)] == [
        product.id
    ]
    service.set_product_active(session, user=staff, product_id=product.id, active=False)
    assert _entries(session, product.id)[-1].action == "retire"
    assert _entries(session, product.id)[-1].changes == {"active": [True, False]}
    assert service.match_need(session, user=staff, need_id=fresh.id) == []
    assert service.list_products(session, user=owner).total == 0
    with pytest.raises(NotFound):
        service.get_product(session, user=owner, product_id=product.id)
    with pytest.raises(NotFound):
        service.refer_need(
            session, user=staff, need_id=fresh.id, data=ReferBody(product_id=product.id)
        )
    assert service.get_need(session, user=owner, need_id=referred.id).product_id == product.id
    assert referred.status == NeedStatus.referred
    service.set_product_active(session, user=staff, product_id=product.id, active=True)
    assert _entries(session, product.id)[-1].action == "reactivate"
    assert service.list_products(session, user=owner).total == 1


def test_api_patch_retire_reactivate_and_refusals(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    product = make_product(session, park, name="接口贷", amount_min=Decimal(1000))
    foreign = make_product(session, other, name="他园贷")
    admin = token_headers(client, make_user(session, park, Role.admin))
    ok = client.patch(
        f"/api/finance/products/{product.id}",
        json={"rate_text": "LPR+50bp", "amount_max": "2000000"},
        headers=admin,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["rate_text"] == "LPR+50bp" and ok.json()["name"] == "接口贷"
    assert (
        client.post(f"/api/finance/products/{product.id}/retire", headers=admin).json()["active"]
        is False
    )
    assert (
        client.post(f"/api/finance/products/{product.id}/reactivate", headers=admin).json()[
            "active"
        ]
        is True
    )
    assert (
        client.patch(
            f"/api/finance/products/{product.id}", json={"active": False}, headers=admin
        ).json()["active"]
        is False
    )
    before = session.scalar(select(func.count(AuditEntry.id)))
    for body, code in (
        ({"name": ""}, 422),
        ({"name": None}, 422),
        ({"amount_min": "-5"}, 422),
        ({"amount_min": "9", "amount_max": "1"}, 422),
        ({"amount_max": "10"}, 422),  # below the stored minimum of 1000
        ({"conditions": {"op": "boom"}}, 422),
        ({"conditions": "not json"}, 422),
        ({"name": "他园贷"}, 200),  # another park's name does not clash
    ):
        resp = client.patch(f"/api/finance/products/{product.id}", json=body, headers=admin)
        assert resp.status_code == code, (body, resp.text)
    assert session.scalar(select(func.count(AuditEntry.id))) == before + 1
    make_product(session, park, name="同名贷")
    clash = client.patch(
        f"/api/finance/products/{product.id}", json={"name": "同名贷"}, headers=admin
    )
    assert clash.status_code == 409 and "同名贷" in clash.text
    for url in (f"/api/finance/products/{foreign.id}", "/api/finance/products/999999"):
        assert client.patch(url, json={"rate_text": "x"}, headers=admin).status_code == 404
        assert client.post(url + "/retire", headers=admin).status_code == 404
    for role in (Role.leader, Role.enterprise):
        h = token_headers(client, make_user(session, park, role))
        url = f"/api/finance/products/{product.id}"
        assert client.patch(url, json={"rate_text": "x"}, headers=h).status_code == 403
        assert client.post(url + "/retire", headers=h).status_code == 403
        assert client.post(url + "/reactivate", headers=h).status_code == 403
    assert session.get(FinanceProduct, product.id).rate_text == "LPR+50bp"  # type: ignore[union-attr]


def test_edit_page_prefills_money_as_typed_and_keeps_values_on_error(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    product = make_product(
        session, park, name="页面贷", amount_min=Decimal(5_000_000), amount_max=Decimal(350_000_000)
    )
    page_login(client, make_user(session, park, Role.commissioner))
    listing = client.get("/finance/products")
    assert f"/finance/products/{product.id}/edit" in listing.text
    assert f"/finance/products/{product.id}/retire" in listing.text
    page = client.get(f"/finance/products/{product.id}/edit")
    assert page.status_code == 200
    assert 'value="5000000"' in page.text and 'value="350000000"' in page.text
    assert "页面贷" in page.text
    csrf = csrf_of(page.text)
    form = {
        "csrf_token": csrf,
        "name": "页面贷",
        "kind": "loan",
        "provider": "测试农村商业银行",
        "amount_min": "3亿元",
        "amount_max": "1亿元",
        "rate_text": "",
        "summary": "",
        "conditions": '{"all": []}',
    }
    flipped = client.post(f"/finance/products/{product.id}/edit", data=form)
    assert flipped.status_code == 422 and "额度下限不能高于上限" in flipped.text
    assert 'value="3亿元"' in flipped.text  # what was typed, not the parsed number
    for key, value, message in (
        ("name", " ", "产品名称"),
        ("amount_min", "-5", "额度"),
        ("amount_min", "很多", "额度下限：无法识别的金额"),
        ("conditions", "{oops", "申请条件：不是有效的 JSON"),
        ("conditions", '{"op": "boom"}', "申请条件"),
    ):
        bad = client.post(
            f"/finance/products/{product.id}/edit", data={**form, "amount_min": "", key: value}
        )
        assert bad.status_code == 422 and message in bad.text, (key, value)
    session.refresh(product)
    assert product.amount_min == Decimal(5_000_000)
    done = client.post(
        f"/finance/products/{product.id}/edit",
        data={**form, "amount_min": "", "amount_max": "5000万", "summary": "新说明"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    session.refresh(product)
    assert product.amount_min is None and product.amount_max == Decimal(50_000_000)
    assert product.summary == "新说明"
    retire = client.post(
        f"/finance/products/{product.id}/retire", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert retire.status_code == 303
    listing = client.get("/finance/products")
    assert f"/finance/products/{product.id}/reactivate" in listing.text


def test_edit_pages_refuse_others(client: TestClient, session: Session) -> None:
    park, other = make_park(session), make_park(session)
    product = make_product(session, park)
    foreign = make_product(session, other)
    page_login(client, make_user(session, park, Role.admin))
    csrf = csrf_of(client.get("/finance/products").text)
    for pid in (foreign.id, 999_999):
        assert client.get(f"/finance/products/{pid}/edit").status_code == 404
        assert (
            client.post(f"/finance/products/{pid}/retire", data={"csrf_token": csrf}).status_code
            == 404
        )
    assert (
        client.post(f"/finance/products/{product.id}/explode", data={"csrf_token": csrf})
    ).status_code == 404
    client.cookies.clear()
    page_login(client, make_user(session, park, Role.leader))
    listing = client.get("/finance/products")
    assert "/edit" not in listing.text
    csrf = csrf_of(listing.text)
    assert client.get(f"/finance/products/{product.id}/edit").status_code == 403
    for action in ("edit", "retire", "reactivate"):
        resp = client.post(
            f"/finance/products/{product.id}/{action}", data={"csrf_token": csrf, "name": "x"}
        )
        assert resp.status_code == 403, action
    assert product.active
