"""From a QR consultation to 投产 on the kanban, with the dialog asking what each stage needs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from biopark.kit.dates import today
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
COMPANY = "看板测试抗体药业有限公司"
PROJECT = "看板测试抗体药业项目"


def _drop(page, stage: str) -> None:  # type: ignore[no-untyped-def]
    # Real mouse moves, so Chromium runs its own HTML5 drag and drop (dragstart/dragover/drop).
    handle = page.locator(f".kcard[data-name='{PROJECT}'] .code")
    handle.scroll_into_view_if_needed()
    src = handle.bounding_box()
    target = page.locator(f".column[data-stage='{stage}'] h2")
    target.scroll_into_view_if_needed()
    src = handle.bounding_box()
    dst = target.bounding_box()
    assert src is not None and dst is not None
    page.mouse.move(src["x"] + 4, src["y"] + 4)
    page.mouse.down()
    page.mouse.move(src["x"] + 30, src["y"] + 30, steps=5)
    page.mouse.move(dst["x"] + 10, dst["y"] + 10, steps=10)
    page.mouse.up()
    page.wait_for_selector("#move-dialog[open]")


def _submit_and_reload(page) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.click("#move-submit")
    page.wait_for_selector("#board")
    assert "阶段已变更" in page.inner_text(".flashes")


def _column_of_card(page) -> str:  # type: ignore[no-untyped-def]
    return str(
        page.eval_on_selector(
            f".kcard[data-name='{PROJECT}']", "el => el.closest('.column').dataset.stage"
        )
    )


def test_consultation_to_production_on_the_kanban(browser, page, live_server: str) -> None:  # type: ignore[no-untyped-def]
    day = today()
    phone = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="zh-CN")  # fmt: skip
    mobile = phone.new_page()
    mobile.goto(f"{live_server}/consult/cq-biocity")
    mobile.fill("input[name=company]", COMPANY)
    mobile.fill("input[name=contact_name]", "看板先生")
    mobile.fill("input[name=phone]", "13966660001")
    mobile.fill("input[name=intended_investment]", "4亿")
    mobile.fill("input[name=intended_land_mu]", "60")
    mobile.click("#consult-form button[type=submit]")
    mobile.wait_for_selector(".alert")
    assert "个人信息保护说明" in mobile.inner_text(".alert")
    mobile.check("#consent")
    mobile.click("#consult-form button[type=submit]")
    mobile.wait_for_selector("#consult-done")

    login(page, live_server, "demo-investment")
    page.goto(f"{live_server}/investment/leads?q={COMPANY}")
    page.click(f"#leads a:has-text('{COMPANY}')")
    page.fill("form[action$='/qualify'] input[name=name]", PROJECT)
    page.fill("form[action$='/qualify'] input[name=next_action]", "首轮洽谈")
    page.fill("form[action$='/qualify'] input[name=due_on]", (day + timedelta(days=7)).isoformat())
    page.click("form[action$='/qualify'] button[type=submit]")
    page.wait_for_selector("#project-code")
    assert "已转为项目" in page.inner_text(".flashes")
    assert "13966660001" in page.inner_text("dl.facts") and "4亿元" in page.inner_text("dl.facts")

    page.goto(f"{live_server}/investment/kanban")
    assert _column_of_card(page) == "线索"
    _drop(page, "洽谈")
    assert "无需填写" in page.inner_text("#move-fields")
    _submit_and_reload(page)
    assert _column_of_card(page) == "洽谈"

    # A refused drop: the dialog shows the rule's message and the card stays where it was.
    _drop(page, "签约")
    assert page.locator("#move-fields input").count() == 2
    page.click("#move-submit")
    page.wait_for_selector("#move-error:not([hidden])")
    assert page.inner_text("#move-error") == "进入签约需要：协议投资额、签约日期"
    screenshot(page, "kanban-refused-1366")
    page.click("#move-cancel")
    assert _column_of_card(page) == "洽谈"

    _drop(page, "签约")
    page.fill("#move-fields input[name=agreed_investment]", "3.5亿元")
    page.fill("#move-fields input[name=signed_on]", (day - timedelta(days=20)).isoformat())
    _submit_and_reload(page)
    assert _column_of_card(page) == "签约"

    # A jump over 入库 asks for its date, the start date and a reason.
    _drop(page, "开工")
    assert {n for n in page.eval_on_selector_all("#move-fields input", "els => els.map(e => e.name)")} == {
        "registered_on", "started_on", "reason"}  # fmt: skip
    page.fill("#move-fields input[name=registered_on]", (day - timedelta(days=15)).isoformat())
    page.fill("#move-fields input[name=started_on]", (day - timedelta(days=10)).isoformat())
    page.fill("#move-fields input[name=reason]", "入库与开工手续同步办理")
    _submit_and_reload(page)
    assert _column_of_card(page) == "开工"
    screenshot(page, "kanban-1366")

    # On a phone the board scrolls sideways and "移到…" replaces dragging.
    storage = page.context.storage_state()
    small = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                has_touch=True, locale="zh-CN", storage_state=storage)  # fmt: skip
    phone_page = small.new_page()
    phone_page.goto(f"{live_server}/investment/kanban")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_page, "kanban-390")
    phone_page.select_option(f".kcard[data-name='{PROJECT}'] select.move", "投产")
    phone_page.wait_for_selector("#move-dialog[open]")
    screenshot(phone_page, "kanban-dialog-390")
    phone_page.fill("#move-fields input[name=produced_on]", (day - timedelta(days=1)).isoformat())
    _submit_and_reload(phone_page)
    assert _column_of_card(phone_page) == "投产"
    small.close()
    phone.close()

    page.goto(f"{live_server}/investment/projects?q={PROJECT}")
    page.click(f"text={PROJECT}")
    page.wait_for_selector("#stage")
    assert page.inner_text("#stage") == "投产"
    screenshot(page, "kanban-project-1366")
