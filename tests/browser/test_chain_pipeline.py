"""The chain map and the pipeline funnel in a real browser: charts render, clicks lead to records."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, open_nav, screenshot

pytestmark = pytest.mark.browser

CANVAS_SIZE = """sel => {
  const c = document.querySelector(sel + ' canvas');
  if (!c) return null;
  const r = c.getBoundingClientRect();
  return [r.width, r.height];
}"""

NODE_POSITION = """name => {
  const data = window.chainChart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) === name) { return data.getItemGraphicEl(i).transformCoordToGlobal(0, 0); }
  }
  return null;
}"""


def test_chain_map_node_to_link_to_enterprise(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-leader")
    open_nav(page, "/chain")
    page.wait_for_selector("#chain-chart canvas")
    width, height = page.evaluate(CANVAS_SIZE, "#chain-chart")
    assert width > 300 and height > 300
    # Something is drawn: the canvas is not blank.
    drawn = page.evaluate(
        """() => { const c = document.querySelector('#chain-chart canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
    )
    assert drawn > 1000
    screenshot(page, "chain-map")
    x, y = page.evaluate(NODE_POSITION, "抗体与ADC")
    box = page.locator("#chain-chart").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r".*/chain/links/\d+$"))
    assert page.locator("h1").inner_text() == "抗体与ADC"
    screenshot(page, "chain-link")
    page.click("#enterprises >> text=重庆智翔金泰生物制药股份有限公司")
    page.wait_for_selector("dl.facts")
    assert re.search(r"/enterprises/\d+$", page.url)
    assert "重庆智翔金泰生物制药股份有限公司" in page.locator("h1").inner_text()


def test_gaps_list_entry_and_pipeline_funnel(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-investment")
    page.goto(f"{live_server}/chain")
    page.click("#link-list >> text=CDMO与生产制造")
    page.wait_for_selector("#candidates")
    assert "上海示例生物制剂CDMO有限公司（演示）" in page.content()
    page.goto(f"{live_server}/chain/gaps")
    screenshot(page, "chain-gaps")
    open_nav(page, "/pipeline")
    page.click("text=管线漏斗")
    page.wait_for_selector("#funnel-park canvas")
    for sel in ("#funnel-park", "#funnel-city"):
        width, height = page.evaluate(CANVAS_SIZE, sel)
        assert width > 200 and height > 200
    assert page.locator("#kpi-park-research b").inner_text() == "56"
    assert page.locator("#kpi-park-clinical b").inner_text() == "20"
    assert page.locator("#kpi-city-clinical b").inner_text() == "42"
    screenshot(page, "pipeline-funnel")
    page.click("#kpi-park-clinical")
    page.wait_for_selector("#drugs")
    page.click("#drugs >> text=GR1803注射液")
    page.wait_for_selector("#deals")
    assert "7.12亿美元" in page.locator("#deals").inner_text()
    screenshot(page, "pipeline-drug")


def test_enterprise_user_sees_own_drugs_not_the_chain(page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    login(page, live_server, "demo-enterprise")
    links = page.eval_on_selector_all(
        "nav.mainnav a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert "/pipeline" in links and "/chain" not in links
    page.goto(f"{live_server}/pipeline")
    rows = page.locator("#drugs tbody tr").all_inner_texts()
    assert rows and all("智翔金泰" in r for r in rows)
    screenshot(page, "pipeline-enterprise")
    resp = page.goto(f"{live_server}/chain")
    assert resp is not None and resp.status == 403
