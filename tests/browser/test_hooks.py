"""The wired hooks in a real browser: news candidates on the gaps page, chain and drugs on a file."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_gaps_page_and_enterprise_file(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-leader")
    page.goto(f"{live_server}/chain/gaps")
    screenshot(page, "chain-gaps-news")
    # The extractor also finds the demo licensing deal's counterparty, which fits an earlier gap,
    # so the signing company's table is looked up by name rather than taken as the first one.
    news = page.locator("table.news-candidates", has_text="澄江生物科技有限公司").first
    assert "澄江生物科技有限公司" in news.inner_text()
    news.locator("a[href^='/intel/documents/']").first.click()
    page.wait_for_url("**/intel/documents/*")
    assert "澄江生物科技有限公司" in page.content()
    page.goto(f"{live_server}/enterprises")
    page.locator("table a[href^='/enterprises/']").first.click()
    page.wait_for_selector("#chain")
    screenshot(page, "enterprise-chain-drugs")
    assert page.locator("#chain h2").inner_text() == "产业链与管线"
    page.locator("#chain a[href^='/pipeline/drugs/']").first.click()
    page.wait_for_url("**/pipeline/drugs/*")
