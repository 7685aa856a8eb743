"""A visitor submits the QR consultation form on a phone; the officer sees the lead and its SLA clock."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_phone_consultation_reaches_the_officer(browser, page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    phone = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    mobile = phone.new_page()
    mobile.goto(f"{live_server}/consult/cq-biocity")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    mobile.fill("input[name=company]", "浏览器测试生物科技有限公司")
    mobile.fill("input[name=contact_name]", "测试先生")
    mobile.fill("input[name=phone]", "12345")
    mobile.click("#consult-form button[type=submit]")
    mobile.wait_for_selector(".alert")
    assert "手机号码" in mobile.inner_text(".alert")
    assert mobile.input_value("input[name=company]") == "浏览器测试生物科技有限公司"
    mobile.fill("input[name=phone]", "139 0000 1234")
    mobile.select_option("select[name=chain_link]", "抗体药物")
    mobile.fill("input[name=intended_investment]", "1.5亿")
    mobile.fill("textarea[name=message]", "希望了解用地和人才政策")
    mobile.check("#consent")
    screenshot(mobile, "investment-consult-phone")
    mobile.click("#consult-form button[type=submit]")
    mobile.wait_for_selector("#consult-done")
    assert "工作小时" in mobile.inner_text("#consult-done")
    screenshot(mobile, "investment-consult-done-phone")
    phone.close()

    login(page, live_server, "demo-investment")
    open_nav(page, "/investment")
    page.wait_for_selector("#kpis")
    page.goto(f"{live_server}/investment/leads")
    row = page.locator("#leads tbody tr", has_text="浏览器测试生物科技有限公司")
    assert row.count() == 1
    clock = row.locator(".sla")
    assert clock.count() == 1 and float(clock.get_attribute("data-hours") or "nan") > 0
    screenshot(page, "investment-leads")
    row.locator("a").first.click()
    page.wait_for_selector("#lead-sla")
    assert "待联系" in page.inner_text("#lead-status")


def test_leader_sees_the_2025_overview(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-leader")
    page.goto(f"{live_server}/investment?year=2025")
    page.wait_for_selector("#monthly canvas")
    assert page.inner_text("#kpi-projects") == "21"
    assert page.inner_text("#kpi-agreed") == "102亿元"
    assert page.inner_text("#kpi-funds") == "38.33亿元"
    screenshot(page, "investment-overview-2025")
    page.goto(f"{live_server}/investment/projects?q=科瑞制药")
    page.click("text=科瑞制药生产基地扩能项目")
    page.wait_for_selector("#funds")
    screenshot(page, "investment-project")
