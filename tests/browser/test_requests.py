"""One request walks from an enterprise user through dispatch, a department's reply and the rating."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("form[action='/logout'] button")


def test_request_from_enterprise_to_rating(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    login(page, base, "demo-enterprise")
    open_nav(page, "/requests")
    page.click("text=提交诉求")
    page.select_option("select[name=category]", "临床试验对接")
    page.fill("input[name=title]", "浏览器测试：临床试验机构备案咨询")
    page.fill("textarea[name=content]", "希望了解在本市新增临床试验机构备案的流程和时限。")
    page.fill("input[name=contact]", "张经理 023-00000000")
    screenshot(page, "requests-1-enterprise-submits")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/requests/\d+$"))
    rid = int(page.url.rsplit("/", 1)[1])
    assert page.locator("#status").inner_text() == "待响应"
    assert page.locator("#dispatch-form").count() == 0
    _logout(page)

    login(page, base, "demo-commissioner")
    page.goto(f"{base}/requests")
    page.click(f"a[href='/requests/{rid}']")
    page.check("#dispatch-form label:has-text('市经济信息委') input")
    page.fill("#dispatch-form input[name=note]", "请经信委协调临床试验机构备案事宜")
    screenshot(page, "requests-2-commissioner-dispatches")
    page.click("#dispatch-form button[type=submit]")
    page.wait_for_selector("#dispatches")
    assert page.locator("#status").inner_text() == "已派发"
    _logout(page)

    login(page, base, "demo-department")
    open_nav(page, "/requests")
    assert page.locator(f"a[href='/requests/{rid}']").count() == 1
    page.click(f"a[href='/requests/{rid}']")
    page.fill(
        "#reply-form textarea[name=reply]",
        "已联系卫健部门，备案材料清单已发企业邮箱，5个工作日内办结。",
    )
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("#dispatches >> text=已联系卫健部门")
    assert page.locator("#status").inner_text() == "部门已答复"
    screenshot(page, "requests-3-department-replied")
    _logout(page)

    login(page, base, "demo-commissioner")
    page.goto(f"{base}/requests/{rid}")
    page.fill("#close-form textarea[name=resolution]", "部门已答复，企业已收到材料清单。")
    page.click("#close-form button[type=submit]")
    page.wait_for_selector("#status >> text=已办结")
    _logout(page)

    login(page, base, "demo-enterprise")
    page.goto(f"{base}/requests/{rid}")
    page.check("#rate-form input[name=satisfaction][value='5']")
    page.fill("#rate-form input[name=comment]", "响应很快")
    page.click("#rate-form button[type=submit]")
    page.wait_for_selector("#rating")
    assert page.locator("#status").inner_text() == "已评价"
    history = page.locator("table.grid").last.inner_text()
    for action in ("提交了诉求", "派发给部门", "答复了诉求", "办结了诉求", "评价了办理结果"):
        assert action in history
    assert "submit" not in history and "None" not in history
    screenshot(page, "requests-4-enterprise-rated")


def test_guessed_request_and_task_ids_are_404_in_the_browser(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-enterprise")
    page.goto(f"{live_server}/requests")
    own = {
        int(h.rsplit("/", 1)[1])
        for h in page.eval_on_selector_all(
            "#requests a[href^='/requests/']", "els => els.map(e => e.getAttribute('href'))"
        )
    }
    assert own
    for guess in range(1, 20):
        resp = page.goto(f"{live_server}/requests/{guess}")
        assert resp is not None and resp.status == (200 if guess in own else 404)
    resp = page.goto(f"{live_server}/tasks")
    assert resp is not None and resp.status == 403
    _logout(page)

    login(page, live_server, "demo-department")
    page.goto(f"{live_server}/tasks")
    assert page.locator("#overdue-alert").count() == 1
    screenshot(page, "tasks-department")
    mine = {
        int(h.rsplit("/", 1)[1])
        for h in page.eval_on_selector_all(
            "#tasks a[href^='/tasks/']", "els => els.map(e => e.getAttribute('href'))"
        )
    }
    for guess in range(1, 17):
        resp = page.goto(f"{live_server}/tasks/{guess}")
        assert resp is not None and resp.status == (200 if guess in mine else 404)


def test_leader_reviews_stats_and_task_table(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-leader")
    page.goto(f"{live_server}/requests?escalated=true")
    assert page.locator("#requests .badge.escalated").count() >= 1
    screenshot(page, "requests-leader-escalated")
    page.goto(f"{live_server}/requests/stats")
    page.wait_for_selector("#dept-chart canvas")
    screenshot(page, "requests-stats")
    page.goto(f"{live_server}/tasks")
    assert page.locator("#tasks tbody tr").count() >= 15
    screenshot(page, "tasks-leader")
    with page.expect_download() as info:
        page.click("text=导出表格")
    assert info.value.suggested_filename.endswith(".xlsx")
