"""Commissioner push list and an enterprise's matches; the enterprise user's own policies."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser


def test_commissioner_push_list_and_enterprise_matches(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-commissioner")
    open_nav(page, "/push-list")
    page.wait_for_selector("table.matches")
    rows = page.locator("table.matches tbody tr.match")
    assert rows.count() >= 10
    assert page.locator("tr.match.qualified").count() > 0
    assert page.locator("tr.match.nearly").count() > 0
    assert "重庆雅培" not in page.content()  # not assigned to this commissioner
    screenshot(page, "policies-push-list")
    page.locator("tr.match.qualified button", has_text="标记已推送").first.click()
    page.wait_for_selector("text=已推送")
    page.click("text=重庆智翔金泰生物制药股份有限公司 >> nth=0")
    page.wait_for_selector("#policies table.matches")
    page.click("nav.tabs a[href='#policies']")
    text = page.locator("#policies").inner_text()
    assert "巴南区生物医药“医药研发贷”贴息支持" in text
    assert "免申即享" in text
    assert "赛立奇单抗注射液" in page.locator("#products").inner_text()
    screenshot(page, "policies-enterprise-file")


def test_commissioner_sees_cannot_evaluate_with_reason(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-commissioner")
    page.goto(f"{live_server}/enterprises?q=宸安")
    page.click("text=重庆宸安生物制药有限公司")
    page.wait_for_selector("#policies")
    unknown = page.locator("#policies tr.match.unknown").first
    assert "缺少数据：研发投入" in unknown.inner_text()
    screenshot(page, "policies-unknown")


def test_enterprise_user_sees_own_matches_and_404_for_others(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-enterprise")
    open_nav(page, "/my/policies")
    page.wait_for_selector("#qualified table.matches")
    assert page.locator("#qualified tr.match").count() >= 3
    assert "重庆科瑞制药" not in page.content()
    screenshot(page, "policies-mine")
    page.goto(f"{live_server}/enterprises")
    own_id = int(re.findall(r"/enterprises/(\d+)", page.url)[0])
    other = own_id + 1
    resp = page.goto(f"{live_server}/enterprises/{other}")
    assert resp is not None and resp.status == 404
    assert "企业不存在" in page.content()
    screenshot(page, "policies-enterprise-404")
    resp = page.goto(f"{live_server}/api/policies/matches?enterprise_id={other}")
    assert resp is not None and resp.status == 404
