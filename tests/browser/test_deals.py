"""Deals from the news in a real browser: accept a proposed deal, filter the deal table on a
desktop and on a phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def test_accept_a_proposed_deal_then_filter_the_table(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-analyst")
    open_nav(page, "/pipeline")
    page.click("a.button[href='/pipeline/deals']")
    page.click("a.button[href='/pipeline/deals/proposed']")
    card = page.locator("section.deal-proposal", has_text="诺斯贝医药").first
    card.wait_for()
    assert "2,000万美元" in card.inner_text()
    screenshot(page, "deals-proposed")
    # A negative amount is refused and nothing is accepted.
    card.locator("input[name=total]").fill("-5")
    card.locator("input[name=total]").evaluate("el => el.removeAttribute('min')")
    card.locator("button.primary").click()
    page.wait_for_selector(".flash")
    assert "不能为负数" in page.content()
    card = page.locator("section.deal-proposal", has_text="诺斯贝医药").first
    card.locator("input[name=total]").fill("380000000")
    card.locator("input[name=party_b]").fill("诺斯贝医药（北欧）")
    card.locator("button.primary").click()
    page.wait_for_selector("text=交易已采纳")
    assert page.locator("section.deal-proposal", has_text="诺斯贝医药").count() == 0

    page.goto(f"{live_server}/pipeline/deals")
    row = page.locator("#deals tbody tr", has_text="诺斯贝医药（北欧）")
    assert "3.8亿美元" in row.inner_text()
    for size, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server}/pipeline/deals")
        page.fill("#deal-filters input[name=partner]", "诺斯贝")
        page.select_option("#deal-filters select[name=region]", "europe")
        page.fill("#deal-filters input[name=upfront_min]", "10000")
        page.click("#deal-filters button[type=submit]")
        page.wait_for_url("**/pipeline/deals?*")
        rows = page.locator("#deals tbody tr")
        assert rows.count() == 1 and "诺斯贝医药（北欧）" in rows.first.inner_text()
        # The page itself never scrolls sideways; only the table box may.
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
        screenshot(page, f"deals-table-{name}")
        # A range that excludes it leaves the table empty.
        page.fill("#deal-filters input[name=upfront_min]", "50000")
        page.click("#deal-filters button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#deals tbody td.empty").count() == 1
