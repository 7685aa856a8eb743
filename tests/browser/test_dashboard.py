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
    page.wait_for_url("**/tasks?status=overdue")

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
    page.wait_for_url("**/chain")
    page.wait_for_selector("canvas")
    screenshot(page, "dashboard_chain")

    page.goto(f"{base}/dashboard/report?month=2025-11")
    assert "大事记" in page.inner_text("article.report")
    screenshot(page, "dashboard_report")
