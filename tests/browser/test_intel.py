"""An analyst searches the demo news, opens a brief and follows a citation, in a real browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser


def test_analyst_searches_and_opens_a_cited_brief(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-analyst")
    open_nav(page, "/intel")
    page.wait_for_selector("table.grid")
    assert page.locator("table.grid tbody tr").count() >= 6
    page.click("text=检索")
    page.fill("#search-form input[name=q]", "创新药 临床")
    page.click("#search-form button[type=submit]")
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit mark").count() >= 2
    screenshot(page, "intel-search")
    page.click("text=生成简报")
    page.wait_for_selector(".brief h2")
    assert "管线与审批" in page.locator(".brief h2").all_inner_texts()
    page.fill("input[name=topic]", "重庆国际生物城 创新药")
    page.click("form.toolbar button[type=submit]")
    page.wait_for_selector(".brief h2")
    headings = page.locator(".brief h2").all_inner_texts()
    assert "投资与项目" in headings and "来源" in headings
    cites = page.locator(".brief a.cite")
    assert cites.count() >= 3
    first_source = page.locator("ol.sources li").first.inner_text()
    assert first_source
    page.locator(".brief a.cite").first.click()
    assert page.url.endswith("#src-1")
    screenshot(page, "intel-brief")
    page.locator("ol.sources li a").first.click()
    page.wait_for_selector(".doctext mark.fact")
    screenshot(page, "intel-document")


def test_enterprise_user_has_no_intelligence(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-enterprise")
    links = page.eval_on_selector_all(
        "nav.mainnav a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert "/intel" not in links
    resp = page.goto(f"{live_server}/intel/search?q=创新药")
    assert resp is not None and resp.status == 403
