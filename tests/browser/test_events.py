"""Events: the officer's list (1280 px), public sign-up on a phone, check-in on a phone (390 px)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _phone(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )


def test_sign_up_and_check_in_on_a_phone(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    desk = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = desk.new_page()
    login(page, live_server, "demo-investment")
    open_nav(page, "/events")
    page.wait_for_selector("#events")
    row = page.locator("#events tbody tr", has_text="生物城创新药产业上海路演")
    assert "30亿元" in row.inner_text()
    screenshot(page, "events-list-1280")
    page.locator("#events a", has_text="重庆国际生物城招商推介大会").click()
    page.wait_for_selector("#event-results")
    # The QR code is an image served by the public sign-up route.
    qr = page.locator("img.qr")
    for _ in range(50):
        if qr.evaluate("img => img.complete && img.naturalWidth") > 0:
            break
        page.wait_for_timeout(100)
    assert qr.evaluate("img => img.naturalWidth") > 0
    signup = page.get_attribute("#signup-link", "href") or ""
    event_url = page.url
    screenshot(page, "events-detail-1280")
    desk.close()

    visitor = _phone(browser)
    mobile = visitor.new_page()
    mobile.goto(signup)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mobile.fill("input[name=name]", "浏览器访客")
    mobile.fill("input[name=company]", "浏览器测试生物科技")
    mobile.fill("input[name=phone]", "139 1111 2222")
    mobile.check("#consent")
    screenshot(mobile, "events-signup-390")
    mobile.click("#signup-form button[type=submit]")
    mobile.wait_for_selector("#signup-done")
    screenshot(mobile, "events-signup-done-390")
    mobile.goto(signup)
    mobile.fill("input[name=name]", "浏览器访客")
    mobile.fill("input[name=company]", "浏览器测试生物科技")
    mobile.fill("input[name=phone]", "13911112222")
    mobile.check("#consent")
    mobile.click("#signup-form button[type=submit]")
    mobile.wait_for_selector(".alert")
    assert "已报名" in mobile.inner_text(".alert")
    visitor.close()

    staff = _phone(browser)
    mobile = staff.new_page()
    login(mobile, live_server, "demo-investment")
    mobile.goto(f"{event_url}/checkin")
    mobile.wait_for_selector("#checkin-form")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    before = mobile.inner_text("#checkin-count")
    mobile.fill("#checkin-form input[name=phone]", "13911112222")
    mobile.click("#checkin-form button[type=submit]")
    mobile.wait_for_selector(".flash-success")
    assert mobile.inner_text("#checkin-count") != before
    screenshot(mobile, "events-checkin-390")
    mobile.fill("#checkin-form input[name=phone]", "13911112222")
    mobile.click("#checkin-form button[type=submit]")
    mobile.wait_for_selector(".alert")
    assert "重复签到" in mobile.inner_text(".alert")
    mobile.fill("#checkin-form input[name=phone]", "13911113333")
    mobile.click("#checkin-form button[type=submit]")
    mobile.wait_for_selector(".alert")
    assert "未报名" in mobile.inner_text(".alert")
    screenshot(mobile, "events-checkin-refused-390")
    staff.close()
