"""金融服务 pages: an enterprise posts and withdraws; staff refer and grant; isolation and errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.finance.models import NeedStatus
from tests.builders import csrf_of, make_park, make_user, page_login
from tests.finance.builders import make_need, make_product


def test_enterprise_posts_need_in_chinese_money_and_withdraws(
    client: TestClient, session: Session
) -> None:
    park = make_park(session)
    user = make_user(session, park, Role.enterprise)
    make_product(session, park, name="医药研发贷")
    page_login(client, user)
    page = client.get("/finance/needs")
    assert page.status_code == 200 and "发布融资需求" in page.text
    csrf = csrf_of(page.text)
    bad = client.post(
        "/finance/needs",
        data={"csrf_token": csrf, "amount": "很多钱", "purpose": "临床", "stage": "临床期"},
    )
    assert bad.status_code == 422 and "融资金额：无法识别的金额" in bad.text
    resp = client.post(
        "/finance/needs",
        data={"csrf_token": csrf, "amount": "3亿元", "purpose": "III期临床", "stage": "临床期"},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    detail = client.get(resp.headers["location"])
    assert "3亿元" in detail.text and "医药研发贷" in detail.text
    assert "refer-form" not in detail.text and "withdraw-form" in detail.text
    client.post(resp.headers["location"] + "/withdraw", data={"csrf_token": csrf})
    again = client.post(resp.headers["location"] + "/withdraw", data={"csrf_token": csrf})
    assert again.status_code == 409 and "已撤回，不能撤回" in again.text


def test_staff_refer_and_grant_on_pages(client: TestClient, session: Session) -> None:
    park = make_park(session)
    owner = make_user(session, park, Role.enterprise)
    need = make_need(session, owner)
    product = make_product(session, park, provider="重庆某农商行")
    page_login(client, make_user(session, park, Role.admin))
    page = client.get(f"/finance/needs/{need.id}")
    csrf = csrf_of(page.text)
    assert "refer-form" in page.text and "withdraw-form" not in page.text
    client.post(
        f"/finance/needs/{need.id}/refer", data={"csrf_token": csrf, "product_id": product.id}
    )
    wrong = client.post(
        f"/finance/needs/{need.id}/grant",
        data={"csrf_token": csrf, "granted_amount": "abc", "decided_on": "2026-01-01"},
    )
    assert wrong.status_code == 422 and "获批金额" in wrong.text
    client.post(
        f"/finance/needs/{need.id}/grant",
        data={
            "csrf_token": csrf,
            "granted_amount": "3亿",
            "granted_by": "",
            "decided_on": str(need.referred_at.date()),
        },  # type: ignore[union-attr]
    )
    session.refresh(need)
    assert need.status == NeedStatus.granted and need.granted_by == "重庆某农商行"
    en = client.get(f"/finance/needs/{need.id}", params={"lang": "en"})
    assert "300 million yuan" in en.text and "Financing need" in en.text


def test_enterprise_page_shows_only_own_needs(client: TestClient, session: Session) -> None:
    park = make_park(session)
    a, b = make_user(session, park, Role.enterprise), make_user(session, park, Role.enterprise)
    need_b = make_need(session, b, purpose="别家的用途")
    make_need(session, a, purpose="自家的用途")
    page_login(client, a)
    listing = client.get("/finance/needs").text
    assert "自家的用途" in listing and "别家的用途" not in listing
    assert client.get(f"/finance/needs/{need_b.id}").status_code == 404
    assert (
        client.post("/finance/products", data={"csrf_token": csrf_of(listing)}).status_code == 403
    )


def test_products_page_and_adding_a_product(client: TestClient, session: Session) -> None:
    park = make_park(session)
    page_login(client, make_user(session, park, Role.commissioner))
    page = client.get("/finance/products")
    csrf = csrf_of(page.text)
    bad = client.post(
        "/finance/products",
        data={
            "csrf_token": csrf,
            "name": "产业基金",
            "kind": "fund",
            "provider": "基金管理人",
            "conditions": "{not json",
        },
    )
    assert bad.status_code == 422 and "不是有效的 JSON" in bad.text
    ok = client.post(
        "/finance/products",
        data={
            "csrf_token": csrf,
            "name": "生物医药产业基金",
            "kind": "fund",
            "provider": "基金管理人",
            "amount_max": "2亿元",
            "conditions": '{"all": [{"op": "has_tag", "value": "高新技术企业"}]}',
        },
        follow_redirects=True,
    )
    assert (
        ok.status_code == 200
        and "生物医药产业基金" in ok.text
        and "具有“高新技术企业”标签" in ok.text
    )
