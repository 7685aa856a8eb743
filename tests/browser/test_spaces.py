"""An officer finds space for a lead and books a visit (1280 px), and reads it on a phone (390 px)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from biopark.kit.dates import today
from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_officer_matches_space_and_books_a_visit(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, "demo-investment")
    open_nav(page, "/spaces")
    page.wait_for_selector("#space-kpis")
    assert page.inner_text("#kpi-land").startswith("345")
    screenshot(page, "spaces-list-1280")
    page.locator("#spaces a", has_text="GMP中试车间 L1").click()
    page.wait_for_selector("#space-visits")
    # The demo booking links to the lead that asked for a GMP workshop.
    page.locator("#space-visits a", has_text="#").first.click()
    page.wait_for_selector("#space-matches")
    matches = page.inner_text("#space-match-list")
    assert "GMP中试车间 L1" in matches and "化学合成实验室" not in matches
    screenshot(page, "spaces-lead-matches-1280")
    page.locator("#space-match-list a", has_text="预约看房").first.click()
    page.wait_for_selector("#visit-form")
    day = today() + timedelta(days=3)
    page.fill("#visit-form input[name=starts_at]", f"{day}T15:00")
    page.fill("#visit-form input[name=visitor]", "浏览器测试考察团")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "浏览器测试考察团" in page.inner_text("#space-visits")
    # The same hour again is refused with a clear message.
    page.fill("#visit-form input[name=starts_at]", f"{day}T15:00")
    page.fill("#visit-form input[name=visitor]", "第二个团")
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector(".alert")
    assert "该时段已有预约" in page.inner_text(".alert")
    screenshot(page, "spaces-detail-1280")
    context.close()

    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    mobile = phone.new_page()
    login(mobile, live_server, "demo-investment")
    mobile.goto(f"{live_server}/spaces")
    mobile.wait_for_selector("#space-kpis")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(mobile, "spaces-list-390")
    phone.close()
