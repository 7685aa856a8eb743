"""The leaders' dashboard in a real browser: figures, click-through, reconciliation, chain map."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_dashboard_figures_links_and_reconciliation(live_server: str, page) -> None:  # type: ignore[no-untyped-def]
    base = live_server
    login(page, base, "demo-leader")
    nav = page.locator("nav.mainnav a").nth(1)
    assert nav.inner_text() == "驾驶舱"
    nav.click()
    page.select_option("select[name=year]", "2025")
    page.select_option("select[name=month_from]", "1")
    page.select_option("select[name=month_to]", "11")
    page.click("form.period button[type=submit]")
    page.wait_for_url("**/dashboard?year=2025*")
    assert page.inner_text("#kpi-signed .num") == "21"
    assert page.inner_text("#kpi-agreed .num") == "102亿元"
    assert page.inner_text("#kpi-funds .num") == "38.33亿元"
    signed = page.inner_text("#kpi-signed")
    assert "25" in signed and "110亿元" in page.inner_text("#kpi-agreed")
    assert "45亿元" in page.inner_text("#kpi-funds")
    assert page.inner_text("#kpi-research .num") == "56"
    assert page.inner_text("#kpi-clinical .num") == "20"
    assert "GR1803" in page.inner_text("table tr.deal")
    page.wait_for_selector("#chart-months canvas")
    screenshot(page, "dashboard")

    page.click("#kpi-signed a.num")
    page.wait_for_url("**/investment/projects?*signed=true*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 21
    screenshot(page, "dashboard_projects")

    page.goto(f"{base}/dashboard?year=2025&month_from=1&month_to=11")
    page.click("#kpi-tasks a.num")
    page.wait_for_url("**/tasks?status=overdue&year=2025*")

    page.goto(f"{base}/dashboard/reconcile")
    match = page.locator("tr.recon-row[data-status=match]").filter(
        has=page.locator("td.reported", has_text="102亿元")
    )
    assert match.count() == 1
    assert "一致" in match.inner_text()
    assert page.locator("tr.recon-row[data-status=mismatch]").count() >= 1
    screenshot(page, "dashboard_reconcile")

    page.goto(f"{base}/dashboard")
    page.click("text=产业链图谱 >> nth=0")
    page.wait_for_url("**/chain?year=*")
    page.wait_for_selector("canvas")
    screenshot(page, "dashboard_chain")

    page.goto(f"{base}/dashboard/report?month=2025-11")
    assert "大事记" in page.inner_text("article.yuebao")
    screenshot(page, "dashboard_report")


def _click_bar(page, chart: str, point: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Click inside the bar of a horizontal ECharts bar chart, just left of its end."""
    page.wait_for_selector(f"#{chart} canvas")
    x, y = page.evaluate(
        "([id, pt]) => echarts.getInstanceByDom(document.getElementById(id))"
        ".convertToPixel({seriesIndex: 0}, pt)",
        [chart, point],
    )
    box = page.locator(f"#{chart}").bounding_box()
    page.mouse.click(box["x"] + x - 6, box["y"] + y)


@pytest.mark.parametrize("width", [1280, 390])
def test_chart_segment_opens_its_records(live_server: str, browser, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, live_server, "demo-leader")
        page.goto(f"{live_server}/dashboard?year=2025&month_from=1&month_to=11")
        assert page.inner_text("#compare tr[data-key=signed_projects] td.cur") == "21"
        assert "合计" in page.inner_text("#months-table tfoot")
        assert page.locator("#attention").is_visible()
        first = page.locator("#chain-table tbody tr").first.locator("td").first.inner_text()
        count = int(page.locator("#chain-table tbody tr").first.locator("td").nth(1).inner_text())
        page.locator("#chart-chain").scroll_into_view_if_needed()
        screenshot(page, f"dashboard_cockpit_{width}")
        _click_bar(page, "chart-chain", [count, 0])
        page.wait_for_url("**/investment/projects?*chain=*")
        url = page.url
        assert "year=2025" in url and "month_to=11" in url and "signed=true" in url
        assert page.locator("table tbody tr").count() == count
        assert page.input_value("input[name=chain]") == first
        screenshot(page, f"dashboard_chain_drill_{width}")
    finally:
        context.close()
