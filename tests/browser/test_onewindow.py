"""一窗综办 in a real browser: an enterprise applies for a 零材料 item, two departments act
on their own parts in parallel, and the enterprise follows one progress view (390 and 1280 px)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.conftest import DEMO_PASSWORD, login, open_nav, screenshot

pytestmark = pytest.mark.browser
ITEM = "工业投资项目备案信息确认"
SECOND = "巴南区政府"
SECOND_USER = "ow-banan"


def _second_department_user(base: str) -> None:
    """The demo has one department account; the admin adds one for the district."""
    token = httpx.post(
        f"{base}/api/auth/token", json={"username": "demo-admin", "password": DEMO_PASSWORD}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    depts = httpx.get(f"{base}/api/departments", headers=headers).json()
    dept = next(d for d in depts if d.get("short_name") == SECOND)
    r = httpx.post(
        f"{base}/api/users",
        headers=headers,
        json={
            "username": SECOND_USER,
            "display_name": "巴南区政务服务联络员",
            "password": DEMO_PASSWORD,
            "role": "department",
            "department_id": dept["id"],
        },
    )
    assert r.status_code in (201, 409, 422), r.text


def _as(browser, base: str, username: str, width: int):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 860}, locale="zh-CN")
    page = context.new_page()
    login(page, base, username)
    return context, page


def _act_as_department(browser, base: str, username: str, number: str, width: int) -> None:  # type: ignore[no-untyped-def]
    context, page = _as(browser, base, username, width)
    open_nav(page, "/onewindow")
    page.click("nav.tabs a[href='/onewindow/submissions']")
    page.click(f"#queue a:has-text('{number}')")
    part = page.locator(".part", has=page.locator("form"))
    assert part.count() == 1  # only its own department's part can be acted on
    part.locator("textarea[name=note]").fill("信息核验无误，同意。")
    part.locator("button[value=approve]").click()
    page.wait_for_selector("text=办理结果已保存")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_zero_material_application_in_parallel(browser, live_server: str, width: int) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    _second_department_user(base)

    context, page = _as(browser, base, "demo-enterprise", width)
    open_nav(page, "/onewindow")
    page.check("input[name=zero]")
    page.click("form.toolbar button[type=submit]")
    page.click(f"#items a:has-text('{ITEM}')")
    assert page.locator("#zero-note").is_visible()
    assert page.locator("#materials .badge.onfile").count() == 3
    screenshot(page, f"onewindow-1-item-{width}")
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/onewindow/submissions/\d+$"))
    page.wait_for_selector("text=申请已提交")
    url = page.url
    number = page.locator("#number").inner_text().strip()
    assert page.locator("#parts .part").count() == 2
    assert page.locator("#status").inner_text() == "已接收"
    context.close()

    _act_as_department(browser, base, "demo-department", number, width)
    context, page = _as(browser, base, "demo-enterprise", width)
    page.goto(url)
    assert page.locator("#status").inner_text() == "办理中"
    context.close()
    _act_as_department(browser, base, SECOND_USER, number, width)

    context, page = _as(browser, base, "demo-enterprise", width)
    page.goto(url)
    assert page.locator("#status").inner_text() == "已办结"
    assert page.locator("#parts .badge.approved").count() == 2
    assert "信息核验无误" in page.locator("#parts").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the progress view scrolls sideways"
    screenshot(page, f"onewindow-2-progress-{width}")
    context.close()

    context, page = _as(browser, base, "demo-admin", width)
    page.goto(f"{base}/audit/chain")
    page.click("form[action='/audit/chain/verify'] button")
    page.wait_for_selector("#result >> text=链完整")
    screenshot(page, f"onewindow-3-chain-{width}")
    context.close()
