"""金融服务 and 人才科创 in a real browser, on a phone (390 px) and a desktop (1280 px),
as the enterprise user and as the service commissioner."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def _page(browser, size: dict[str, int]):  # type: ignore[no-untyped-def]
    mobile = size["width"] < 500
    context = browser.new_context(
        viewport=size,
        device_scale_factor=2 if mobile else 1,
        is_mobile=mobile,
        has_touch=mobile,
        locale="zh-CN",
    )
    return context, context.new_page()


def _fits(page, size: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def test_financing_need_from_phone_to_granted_loan(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ctx, page = _page(browser, PHONE)
    login(page, live_server, "demo-enterprise")
    open_nav(page, "/finance/needs")
    _fits(page, PHONE)
    page.fill("#post-need input[name=amount]", "很多")
    page.fill("#post-need input[name=purpose]", "浏览器测试：双抗药物I期临床")
    page.click("#post-need button[type=submit]")
    page.wait_for_selector(".alert")
    assert "无法识别的金额" in page.inner_text(".alert")
    page.fill("#post-need input[name=amount]", "1.2亿元")
    page.click("#post-need button[type=submit]")
    page.wait_for_url(re.compile(r".*/finance/needs/\d+$"))
    need_url = page.url
    assert page.locator("#status").inner_text() == "已发布"
    assert page.locator("#matches tr.match.qualified").count() >= 1
    assert page.locator(".refer-form").count() == 0
    _fits(page, PHONE)
    screenshot(page, "finance-need-enterprise-390")
    # Another enterprise's need is as good as missing.
    page.goto(f"{live_server}/finance/needs")
    assert "疫苗生产线扩建" not in page.content()
    ctx.close()

    ctx, page = _page(browser, DESKTOP)
    login(page, live_server, "demo-commissioner")
    open_nav(page, "/finance/needs")
    assert "疫苗生产线扩建" in page.content()
    screenshot(page, "finance-needs-commissioner-1280")
    page.goto(need_url)
    page.click(".refer-form button[type=submit]")
    page.wait_for_selector(".grant-form")
    assert page.locator("#status").inner_text() == "已推荐"
    page.fill(".grant-form input[name=granted_amount]", "1.2亿")
    page.click(".grant-form button[type=submit]")
    page.wait_for_selector("#outcome")
    assert page.locator("#status").inner_text() == "已获批"
    assert "1.2亿元" in page.inner_text("#outcome")
    screenshot(page, "finance-need-granted-commissioner-1280")
    page.goto(f"{live_server}/finance/products")
    assert "医药研发贷" in page.content() and "10亿元" in page.content()
    screenshot(page, "finance-products-commissioner-1280")
    ctx.close()

    ctx, page = _page(browser, PHONE)
    login(page, live_server, "demo-commissioner")
    page.goto(f"{live_server}/finance/needs")
    _fits(page, PHONE)
    screenshot(page, "finance-needs-commissioner-390")
    ctx.close()
    ctx, page = _page(browser, DESKTOP)
    login(page, live_server, "demo-enterprise")
    page.goto(need_url)
    assert page.locator("#status").inner_text() == "已获批"
    screenshot(page, "finance-need-enterprise-1280")
    ctx.close()


def test_talent_application_and_event_registration(browser, live_server: str) -> None:  # type: ignore[no-untyped-def]
    ctx, page = _page(browser, PHONE)
    login(page, live_server, "demo-enterprise")
    open_nav(page, "/talent")
    _fits(page, PHONE)
    screenshot(page, "talent-catalogue-enterprise-390")
    page.locator("tr.service", has_text="人才子女入学协调").locator("a.apply").click()
    page.wait_for_selector("#apply-form")
    assert page.input_value("input[name=applicant_name]") == "智翔金泰联络人"
    assert "重庆智翔金泰生物制药股份有限公司" in page.inner_text("#enterprise-file")
    page.fill("input[name=applicant_name]", "浏览器测试陈博士")
    page.select_option("select[name=education]", "博士")
    page.click("#apply-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/talent/applications/\d+$"))
    app_url = page.url
    assert page.locator("#status").inner_text() == "待受理"
    assert "受理时限" in page.inner_text("#clocks")
    _fits(page, PHONE)
    screenshot(page, "talent-application-enterprise-390")
    page.goto(f"{live_server}/talent")
    row = page.locator("tr.event", has_text="生物医药人才专场招聘会")
    row.locator("input[name=attendee_name]").fill("浏览器测试陈博士")
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#registrations")
    assert "浏览器测试陈博士" in page.inner_text("#registrations")
    page.goto(f"{live_server}/talent")
    row = page.locator("tr.event", has_text="生物医药人才专场招聘会")
    row.locator("input[name=attendee_name]").fill("浏览器测试陈博士")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".alert")
    assert "已报名此活动" in page.inner_text(".alert")
    ctx.close()

    ctx, page = _page(browser, DESKTOP)
    login(page, live_server, "demo-commissioner")
    open_nav(page, "/talent")
    screenshot(page, "talent-catalogue-commissioner-1280")
    page.goto(f"{live_server}/talent/applications")
    assert "浏览器测试陈博士" in page.content()
    page.goto(app_url)
    page.click(".accept-form button[type=submit]")
    page.wait_for_selector(".approve-form")
    page.fill(".approve-form input[name=note]", "材料齐全，协调就近入学")
    page.click(".approve-form button[type=submit]")
    page.wait_for_selector(".flash")
    assert page.locator("#status").inner_text() == "已通过"
    screenshot(page, "talent-application-commissioner-1280")
    ctx.close()

    ctx, page = _page(browser, DESKTOP)
    login(page, live_server, "demo-enterprise")
    page.goto(app_url)
    assert page.locator("#status").inner_text() == "已通过"
    screenshot(page, "talent-application-enterprise-1280")
    ctx.close()
    ctx, page = _page(browser, PHONE)
    login(page, live_server, "demo-commissioner")
    page.goto(f"{live_server}/talent/applications")
    _fits(page, PHONE)
    screenshot(page, "talent-applications-commissioner-390")
    ctx.close()
